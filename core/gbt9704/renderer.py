"""`render`: an `OfficialDocument` to the bytes of a .docx — 版头, 主体, 附件 pages, 版记."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.shared import Pt

from core.gbt9704.imprint import imprint
from core.gbt9704.model import (
    CHAR_PITCH_PT,
    FANGSONG,
    HEITI,
    KAITI,
    LINE_PITCH,
    RED,
    SIZE_2,
    TEXT_WIDTH_MM,
    XIAOBIAOSONG,
    Block,
    OfficialDocument,
    chinese_date,
)
from core.gbt9704.ooxml import add_text, border, fmt, no_grid, page_box, page_line
from core.gbt9704.page import deterministic_zip, setup_section, setup_styles
from core.gbt9704.tables import add_table


def render(spec: OfficialDocument) -> bytes:
    """The .docx of `spec`, byte-identical for the same input (fixed zip times, core properties)."""
    doc = Document()
    setup_styles(doc)
    setup_section(doc.sections[0], letter=spec.letter)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._element.getparent().remove(body._element)
    _head(doc, spec)
    _main(doc, spec)
    _attachment_pages(doc, spec)
    if spec.cc or spec.printer:
        imprint(doc, spec)
    _properties(doc, spec)
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())


def _head(doc, spec: OfficialDocument) -> None:
    """版头: 份号 and 紧急程度, the red 发文机关标志, 发文字号 and the red rule."""
    if spec.copy_number:
        add_text(fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT), spec.copy_number, HEITI)
    if spec.urgency:
        add_text(fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT), spec.urgency, HEITI)
    mark_size = Pt(36) if not spec.letter else Pt(30)
    if spec.letter:
        # 信函格式: the mark's top edge 30 mm from the top of the page, above the 版心 (37 mm): a box
        # anchored to the page, so that every page keeps the standard 版心
        mark_mm = mark_size.pt * 25.4 / 72
        holder = fmt(doc.add_paragraph(), exact=False)
        holder.paragraph_format.line_spacing = Pt(1)
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        no_grid(holder)
        mark = page_box(holder, y_mm=30, height_mm=mark_mm, name="发文机关标志")
    else:
        mark = doc.add_paragraph()
        used = (1 if spec.copy_number else 0) + (1 if spec.urgency else 0)
        mark.paragraph_format.space_before = Pt(max(0.0, 35 * 72 / 25.4 - used * LINE_PITCH.pt))
    fmt(mark, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    mark.paragraph_format.space_after = Pt(0)
    mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    mark.paragraph_format.line_spacing = mark_size  # the mark's box is exactly its height …
    no_grid(mark)  # … and not two grid lines
    add_text(mark, spec.issuer_mark, XIAOBIAOSONG, mark_size, color=RED, latin=XIAOBIAOSONG)
    if spec.letter:
        _letter_rule_and_number(doc, holder, spec, mark_mm)
    elif spec.signer:
        _upward_number(doc, spec)
    else:
        number = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2)
        add_text(number, spec.doc_number)
        border(number, "bottom", val="single", size_eighths=12, space=11)  # red rule 4 mm below


def _upward_number(doc, spec: OfficialDocument) -> None:
    """上行文: 发文字号 left, 1 character in; 签发人 right, 1 character in, at a right tab stop on
    the same line ("签发人" 仿宋 with a full-width colon, the name 楷体); the red rule below."""
    number = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT, left_chars=1, before_lines=2)
    right = Pt(TEXT_WIDTH_MM * 72 / 25.4 - CHAR_PITCH_PT)
    number.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT)
    add_text(number, spec.doc_number)
    add_text(number, "\t签发人：", FANGSONG)
    add_text(number, spec.signer, KAITI)
    border(number, "bottom", val="single", size_eighths=12, space=11)


def _letter_rule_and_number(doc, holder, spec: OfficialDocument, mark_mm: float) -> None:
    """信函格式: a red double rule (thick over thin) 4 mm below the mark, 170 mm long, centred on
    the page; 发文字号 under the rule, as far below the mark as before (0.6 line under its foot)."""
    page_line(
        holder,
        x_mm=20,
        y_mm=30 + mark_mm + 4,
        length_mm=170,
        width_pt=3,
        cmpd="thickThin",
        name="信函上线",
    )
    number = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    number.paragraph_format.space_before = Pt((30 + mark_mm - 37) * 72 / 25.4 - 1 + 0.6 * LINE_PITCH.pt)
    add_text(number, spec.doc_number)


def _main(doc, spec: OfficialDocument) -> None:
    """主体: 标题, 主送机关, the body, 附件说明, 署名, 成文日期, 附注."""
    title = fmt(
        doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2 if not spec.letter else 1.5
    )
    title.paragraph_format.line_spacing = Pt(LINE_PITCH.pt * 1.2)
    add_text(title, spec.title, XIAOBIAOSONG, SIZE_2, latin=XIAOBIAOSONG)
    addressee = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT, before_lines=1)
    add_text(addressee, f"{spec.addressee}：")
    add_blocks(doc, spec.body)

    if spec.attachments:
        first = fmt(doc.add_paragraph(), left_chars=2, before_lines=1)
        if len(spec.attachments) == 1:
            add_text(first, f"附件：{spec.attachments[0]}")
        else:
            add_text(first, f"附件：1. {spec.attachments[0]}")
            for i, name in enumerate(spec.attachments[1:], start=2):
                # a later name aligns with the first name: 2 chars indent + "附件：" (3 chars)
                add_text(fmt(doc.add_paragraph(), left_chars=5), f"{i}. {name}")

    # 署名: one empty line below the body (下空一行), 2 characters from the right
    sign = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2, before_lines=1)
    add_text(sign, spec.signature)
    date = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    add_text(date, chinese_date(spec.date))
    if spec.note:
        note = fmt(doc.add_paragraph(), first_line_chars=2)  # 附注: the line right below the date
        add_text(note, f"（{spec.note}）")


def _attachment_pages(doc, spec: OfficialDocument) -> None:
    """Each 附件 from a new page: 附件 / 附件N in 黑体, its title, its blocks."""
    for i, (att_title, blocks) in enumerate(spec.attachment_pages, start=1):
        brk = doc.add_paragraph()
        brk.add_run().add_break(WD_BREAK.PAGE)
        label = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT)
        add_text(label, "附件" if len(spec.attachment_pages) == 1 else f"附件{i}", HEITI)
        t = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=1)
        add_text(t, att_title, XIAOBIAOSONG, SIZE_2, latin=XIAOBIAOSONG)
        add_blocks(doc, blocks)


def _properties(doc, spec: OfficialDocument) -> None:
    """Core properties fixed by the input (so the bytes are): the data's time, not the clock's."""
    props = doc.core_properties
    as_of = spec.data_as_of
    if as_of is not None and as_of.tzinfo is not None:
        stamp = as_of.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)  # core properties are UTC
    else:
        stamp = (as_of or dt.datetime.combine(spec.date, dt.time())).replace(microsecond=0)
    props.author = spec.signature
    props.last_modified_by = spec.signature
    props.title = spec.title
    props.subject = spec.doc_number
    # the time of the data as the reader reads clocks: data_as_of in its own (the caller's local) zone
    props.comments = f"数据截至{as_of:%Y-%m-%d %H:%M:%S}" if as_of else ""
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.keywords = ""


def add_blocks(doc, blocks: list[Block]):
    for block in blocks:
        if block.kind == "table":
            add_table(doc, block)
            continue
        if block.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        para = fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
        if block.kind == "h1":
            add_text(para, block.text, HEITI)
        elif block.kind == "h2":
            add_text(para, block.text, KAITI)
        elif block.kind == "h3":
            add_text(para, block.text, FANGSONG, bold=True)
        else:
            add_text(para, block.text)
