"""Official-document layout of GB/T 9704-2012 (党政机关公文格式), written with python-docx.

One renderer for every document the platform issues (交办函, 督办单, 督查通报, 整改情况报告,
考核结果通报). Numbers follow shared/reference/GBT9704.md:

- A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm (so bottom 35 mm, right 26 mm);
- 22 lines × 28 characters: a document grid of line pitch 225 mm / 22 and a character pitch of
  156 mm / 28, body 3号 (16 pt) 仿宋_GB2312 with exact line spacing equal to the line pitch;
- 版头: red 发文机关标志 in 小标宋 (35 mm below the top of the 版心 in 文件格式; 30 mm from the top
  of the page in 信函格式), 发文字号 two lines below, red separator 4 mm below it (信函格式: a red
  double rule thick-over-thin, and thin-over-thick 20 mm above the bottom edge of the first page);
- 标题 2号 小标宋 centred two lines below the rule; 主送机关 flush left ending in "：";
- headings 一、 黑体, （一） 楷体_GB2312, 1. 仿宋 bold, （1） 仿宋; first-line indent 2 characters;
- 附件说明, 署名 (right, 2 characters in), 成文日期 (right, 4 characters in, Arabic numerals),
  附注 in parentheses 2 characters in;
- 版记 at the foot of the last side of the last sheet, an even page (the renderer finds where the
  body ends with a line model of its own output, `body_end`; an odd last page gets the 版记 on its
  back; a full even one is followed by a blank page and the 版记 page, both unnumbered): rules
  0.35 / 0.25 / 0.35 mm, 抄送 and 印发机关/印发日期 in 4号;
- page numbers "— N —" 4号 宋体, odd pages right 1 character in, even pages left 1 character in
  (信函格式: none on the first page).

Output is deterministic: the same input gives byte-identical files (fixed zip timestamps and
core properties), so a regenerated document with unchanged data has the same SM3 digest.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
LATIN = "Times New Roman"

SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
RED = RGBColor(0xE6, 0x00, 0x12)

TEXT_WIDTH_MM = 156
TEXT_HEIGHT_MM = 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM * TWIPS_PER_MM / LINES_PER_PAGE)  # 579
LINE_PITCH = Pt(LINE_PITCH_TWIPS / 20)
CHAR_PITCH_PT = TEXT_WIDTH_MM * 72 / 25.4 / CHARS_PER_LINE  # 15.79 pt
# 28 × 16 pt is a little wider than 156 mm: condense every character by 0.25 pt (twentieths of a
# point in w:spacing) so a full line holds exactly 28 characters (28 × 15.75 ≤ 442.2 < 29 × 15.75).
CONDENSE_TWENTIETHS = -5

# fonts a reader may lack, with what a standard install has instead (fontTable altName + family)
FONT_FALLBACKS = {
    XIAOBIAOSONG: ("宋体", "roman"),
    FANGSONG: ("仿宋", "roman"),
    KAITI: ("楷体", "script"),
    HEITI: ("SimHei", "swiss"),
    SONGTI: ("SimSun", "roman"),
}


@dataclass
class Block:
    """One body element: kind is p | h1 | h2 | h3 | h4 | table | pagebreak."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    widths_mm: list[float] = field(default_factory=list)


def p(text):
    return Block("p", text)  # noqa: E704


def h1(text):
    return Block("h1", text)  # noqa: E704


def h2(text):
    return Block("h2", text)  # noqa: E704


def h3(text):
    return Block("h3", text)  # noqa: E704


def h4(text):
    return Block("h4", text)  # noqa: E704


def table(rows, widths_mm=()):
    return Block("table", rows=[list(map(str, r)) for r in rows], widths_mm=list(widths_mm))


@dataclass
class OfficialDocument:
    issuer_mark: (
        str  # 发文机关标志, e.g. "示范省卫生健康委员会文件" (文件格式) or "示范省卫生健康委员会" (信函格式)
    )
    doc_number: str  # 发文字号 示卫督〔2026〕12号
    title: str
    addressee: str  # 主送机关, without the colon
    body: list[Block]
    signature: str  # 发文机关署名
    date: dt.date  # 成文日期
    letter: bool = False  # 信函格式 (交办函, 督办单)
    attachments: list[str] = field(default_factory=list)
    note: str = ""  # 附注, e.g. 联系人：…，电话：…
    cc: list[str] = field(default_factory=list)  # 抄送
    printer: str = ""  # 印发机关
    print_date: dt.date | None = None
    copy_number: str = ""  # 份号
    urgency: str = ""  # 紧急程度
    data_as_of: dt.datetime | None = None  # time of the ledger query behind every number (R-DOC-2)
    attachment_pages: list[tuple[str, list[Block]]] = field(default_factory=list)  # (附件标题, blocks)


def chinese_date(d: dt.date) -> str:
    """2026年3月5日: Arabic numerals, full year, no padding."""
    return f"{d.year}年{d.month}月{d.day}日"


# --- low-level helpers ----------------------------------------------------------------------------


def _set_run_font(run, east_asia: str, size, *, bold=False, color=None, latin: str | None = None):
    run.font.size = size
    run.font.bold = bold
    run.font.name = latin or LATIN
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), latin or LATIN)
    rfonts.set(qn("w:hAnsi"), latin or LATIN)


def _fmt(
    paragraph, *, align=None, first_line_chars=0, left_chars=0, right_chars=0, before_lines=0.0, exact=True
):
    pf = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_PITCH
    pf.space_after = Pt(0)
    pf.space_before = Pt(LINE_PITCH.pt * before_lines) if before_lines else Pt(0)
    ppr = paragraph._element.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    if first_line_chars:
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * CHAR_PITCH_PT * 20)))
    if left_chars:
        ind.set(qn("w:leftChars"), str(left_chars * 100))
        ind.set(qn("w:left"), str(int(left_chars * CHAR_PITCH_PT * 20)))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(int(right_chars * CHAR_PITCH_PT * 20)))
    if len(ind.attrib):
        ppr.append(ind)
    return paragraph


def _no_grid(paragraph):
    ppr = paragraph._element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    later = [ppr.find(qn(t)) for t in ("w:spacing", "w:ind", "w:jc")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(snap)
    else:
        ppr.append(snap)


def _border(paragraph, side: str, *, val="single", size_eighths=12, color="E60012", space=0):
    ppr = paragraph._element.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        # schema order: pBdr comes before shd, tabs, spacing, ind, jc …
        later = [ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(pbdr)
        else:
            ppr.append(pbdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), val)
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), color)
    pbdr.append(el)


_SHAPE_IDS = iter(range(1000, 100000))

LINE_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{z}" '
    'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="page"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
    '<wp:extent cx="{cx}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
    '<wp:docPr id="{id}" name="{name}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="0"/></a:xfrm>'
    '<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="{w}" cmpd="{cmpd}"><a:solidFill>'
    '<a:srgbClr val="{color}"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp>'
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
)
EMU_PER_MM = 36000


def _page_line(
    paragraph,
    *,
    x_mm: float,
    y_mm: float,
    length_mm: float,
    width_pt: float,
    cmpd: str = "sng",
    color: str = "E60012",
    name: str = "rule",
):
    """A line anchored to the page at an absolute position (rules of the 信函格式 and the 版记):
    drawn shapes keep their place in Word and LibreOffice alike, unlike paragraph borders."""
    from lxml import etree

    xml = LINE_XML.format(
        x=int(x_mm * EMU_PER_MM),
        y=int(y_mm * EMU_PER_MM),
        cx=int(length_mm * EMU_PER_MM),
        w=int(width_pt * 12700),
        cmpd=cmpd,
        color=color,
        id=next(_SHAPE_IDS),
        name=name,
        z=next(_SHAPE_IDS),
    )
    paragraph._p.append(etree.fromstring(xml))


_CODE_HYPHEN = re.compile(r"(?<=[0-9A-Za-z])-(?=[0-9A-Za-z])")


def _add_text(paragraph, text, east_asia=FANGSONG, size=SIZE_3, **kw):
    """A run of text; hyphens inside codes (WT-2026-00001, 0000-1234567) do not break a line."""
    if not _CODE_HYPHEN.search(text):
        run = paragraph.add_run(text)
    else:
        run = paragraph.add_run()
        for i, piece in enumerate(_CODE_HYPHEN.split(text)):
            if i:
                run._r.append(OxmlElement("w:noBreakHyphen"))
            if piece:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = piece
                run._r.append(t)
    _set_run_font(run, east_asia, size, **kw)
    return run


def _page_field(paragraph, size=SIZE_4):
    _add_text(paragraph, "— ", SONGTI, size, latin=SONGTI)
    run = paragraph.add_run()
    _set_run_font(run, SONGTI, size, latin=SONGTI)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._element.append(fc)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._element.append(t)
    _add_text(paragraph, " —", SONGTI, size, latin=SONGTI)


def _setup_styles(doc):
    normal = doc.styles["Normal"]
    normal.font.size = SIZE_3
    normal.font.name = LATIN
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), FANGSONG)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
    rpr.append(spacing)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.space_after = Pt(0)
    pf.space_before = Pt(0)
    pf.widow_control = False
    # Chinese punctuation compression off, kinsoku on: ordinary habits of official documents
    settings = doc.settings.element
    for tag in ("w:evenAndOddHeaders",):
        if settings.find(qn(tag)) is None:
            settings.append(OxmlElement(tag))
    _register_fonts(doc)


def _register_fonts(doc):
    font_table = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_table = rel.target_part
    if font_table is None:
        return
    from lxml import etree

    root = etree.fromstring(font_table.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, family) in FONT_FALLBACKS.items():
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        el = etree.SubElement(font, f"{{{w}}}altName")
        el.set(f"{{{w}}}val", alt)
        el = etree.SubElement(font, f"{{{w}}}charset")
        el.set(f"{{{w}}}val", "86")
        el = etree.SubElement(font, f"{{{w}}}family")
        el.set(f"{{{w}}}val", family)
        el = etree.SubElement(font, f"{{{w}}}pitch")
        el.set(f"{{{w}}}val", "variable")
    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup_section(section, *, letter: bool):
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(37)
    section.left_margin = Mm(28)
    section.right_margin = Mm(210 - 28 - TEXT_WIDTH_MM)
    section.bottom_margin = Mm(297 - 37 - TEXT_HEIGHT_MM)
    section.header_distance = Mm(15)
    # the page number's top edge sits 7 mm below the 版心: footer text of one 4号 line
    section.footer_distance = Mm(297 - 37 - TEXT_HEIGHT_MM - 7 - 5)
    sectpr = section._sectPr
    grid = sectpr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sectpr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    # odd pages: right, 1 character in; even pages: left, 1 character in
    odd = section.footer.paragraphs[0]
    _fmt(odd, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=1, exact=False)
    _page_field(odd)
    section.even_page_footer.is_linked_to_previous = False
    even = section.even_page_footer.paragraphs[0]
    _fmt(even, align=WD_ALIGN_PARAGRAPH.LEFT, left_chars=1, exact=False)
    _page_field(even)
    if letter:
        # 信函格式: no page number on the first page; a red thin-over-thick rule 20 mm above the bottom edge
        section.different_first_page_header_footer = True
        footer = section.first_page_footer.paragraphs[0]
        _page_line(
            footer, x_mm=20, y_mm=297 - 20, length_mm=170, width_pt=3, cmpd="thinThick", name="信函下线"
        )
        section.footer_distance = Mm(20)


# --- the renderer ---------------------------------------------------------------------------------


def render(spec: OfficialDocument) -> bytes:
    doc = Document()
    _setup_styles(doc)
    section = doc.sections[0]
    _setup_section(section, letter=spec.letter)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._element.getparent().remove(body._element)

    # 版头 ---------------------------------------------------------------------------------------
    if spec.copy_number:
        _add_text(_fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT), spec.copy_number, HEITI)
    if spec.urgency:
        _add_text(_fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT), spec.urgency, HEITI)
    mark_size = Pt(36) if not spec.letter else Pt(30)
    if spec.letter:
        # 信函格式: the mark's top edge 30 mm from the top of the page, above the 版心 (37 mm): a box
        # anchored to the page, so that every page keeps the standard 版心
        mark_mm = mark_size.pt * 25.4 / 72
        holder = _fmt(doc.add_paragraph(), exact=False)
        holder.paragraph_format.line_spacing = Pt(1)
        holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        _no_grid(holder)
        mark = _page_box(holder, y_mm=30, height_mm=mark_mm, name="发文机关标志")
    else:
        mark = doc.add_paragraph()
        used = (1 if spec.copy_number else 0) + (1 if spec.urgency else 0)
        mark.paragraph_format.space_before = Pt(max(0.0, 35 * 72 / 25.4 - used * LINE_PITCH.pt))
    _fmt(mark, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    mark.paragraph_format.space_after = Pt(0)
    mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    mark.paragraph_format.line_spacing = mark_size  # the mark's box is exactly its height …
    _no_grid(mark)  # … and not two grid lines
    _add_text(mark, spec.issuer_mark, XIAOBIAOSONG, mark_size, color=RED, latin=XIAOBIAOSONG)
    if spec.letter:
        # red double rule (thick over thin) 4 mm below the mark, 170 mm long, centred on the page
        _page_line(
            holder,
            x_mm=20,
            y_mm=30 + mark_mm + 4,
            length_mm=170,
            width_pt=3,
            cmpd="thickThin",
            name="信函上线",
        )
        # 发文字号 under the rule, as far below the mark as before (0.6 line under its foot)
        number = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT)
        number.paragraph_format.space_before = Pt((30 + mark_mm - 37) * 72 / 25.4 - 1 + 0.6 * LINE_PITCH.pt)
        _add_text(number, spec.doc_number)
    else:
        number = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2)
        _add_text(number, spec.doc_number)
        _border(number, "bottom", val="single", size_eighths=12, space=11)  # red rule 4 mm below

    # 主体 ---------------------------------------------------------------------------------------
    title = _fmt(
        doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=2 if not spec.letter else 1.5
    )
    title.paragraph_format.line_spacing = Pt(LINE_PITCH.pt * 1.2)
    _add_text(title, spec.title, XIAOBIAOSONG, SIZE_2, latin=XIAOBIAOSONG)
    addressee = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT, before_lines=1)
    _add_text(addressee, f"{spec.addressee}：")
    _blocks(doc, spec.body)

    if spec.attachments:
        first = _fmt(doc.add_paragraph(), left_chars=2, before_lines=1)
        if len(spec.attachments) == 1:
            _add_text(first, f"附件：{spec.attachments[0]}")
        else:
            _add_text(first, f"附件：1. {spec.attachments[0]}")
            for i, name in enumerate(spec.attachments[1:], start=2):
                # a later name aligns with the first name: 2 chars indent + "附件：" (3 chars)
                _add_text(_fmt(doc.add_paragraph(), left_chars=5), f"{i}. {name}")

    # 署名: one empty line below the body (下空一行), 2 characters from the right
    sign = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2, before_lines=1)
    _add_text(sign, spec.signature)
    date = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _add_text(date, chinese_date(spec.date))
    if spec.note:
        note = _fmt(doc.add_paragraph(), first_line_chars=2)  # 附注: the line right below the date
        _add_text(note, f"（{spec.note}）")

    for i, (att_title, blocks) in enumerate(spec.attachment_pages, start=1):
        brk = doc.add_paragraph()
        brk.add_run().add_break(WD_BREAK.PAGE)
        label = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.LEFT)
        _add_text(label, "附件" if len(spec.attachment_pages) == 1 else f"附件{i}", HEITI)
        t = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before_lines=1)
        _add_text(t, att_title, XIAOBIAOSONG, SIZE_2, latin=XIAOBIAOSONG)
        _blocks(doc, blocks)

    if spec.cc or spec.printer:
        _imprint(doc, spec)

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
    buf = io.BytesIO()
    doc.save(buf)
    return _deterministic_zip(buf.getvalue())


def _blocks(doc, blocks: list[Block]):
    for block in blocks:
        if block.kind == "table":
            _table(doc, block)
            continue
        if block.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        para = _fmt(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars=2)
        if block.kind == "h1":
            _add_text(para, block.text, HEITI)
        elif block.kind == "h2":
            _add_text(para, block.text, KAITI)
        elif block.kind == "h3":
            _add_text(para, block.text, FANGSONG, bold=True)
        else:
            _add_text(para, block.text)


CELL_CHAR_MM = SIZE_4.pt * 25.4 / 72  # one 4号 character
CELL_MARGIN_TWIPS = 57  # left and right cell margins: 1 mm each (narrower than Word's 0.19 cm)
CELL_PAD_MM = 2.4  # both margins and a little air
CELL_LINE = Pt(20)  # exact line height inside table cells (4号 text, off the document grid)
_UNBREAKABLE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|[\d.,%—-]*)$")


def _display_len(text: str) -> float:
    """Width of a text in 4号 characters: CJK and full-width 1, ASCII about half, plus the quarter
    space Word and LibreOffice put between CJK and Western characters (autoSpaceDE/DN)."""
    width, prev = 0.0, None
    for ch in text:
        wide = ord(ch) >= 0x2E80
        width += 1.0 if wide else 0.55
        if prev is not None and wide != prev and ch.strip():
            width += 0.25
        prev = wide
    return width


def column_widths(rows: list[list[str]], total_mm: float = TEXT_WIDTH_MM) -> list[float]:
    """Column widths (mm) adding up to the 版心 width. Numbers, rates, dates and short texts get
    what their longest cell needs and never wrap; text columns may wrap (a long one down to 10
    characters, a short one to 4); the room left is shared by water-filling, so short text
    columns are satisfied first and the longest text gets the rest."""
    char, pad = CELL_CHAR_MM, CELL_PAD_MM
    natural, minimum = [], []
    for c in range(len(rows[0])):
        cells = [str(r[c]) for r in rows[1:] if c < len(r)]
        head = _display_len(str(rows[0][c]))
        body = max((_display_len(t) for t in cells), default=0.0)
        natural.append(max(head, body) * char + pad)
        if all(_UNBREAKABLE.match(t) for t in cells) or body <= 5:
            floor = max(head, body)
        else:
            floor = max(head, 10.0 if body > 30 else 4.0)
        minimum.append(min(floor * char + pad, natural[-1]))
    if sum(natural) <= total_mm:
        extra = total_mm - sum(natural)
        return [w + extra * w / sum(natural) for w in natural]
    room = total_mm - sum(minimum)
    if room <= 0:
        return [w * total_mm / sum(minimum) for w in minimum]
    widths = list(minimum)
    while room > 1e-6:
        hungry = [i for i, w in enumerate(widths) if natural[i] - w > 1e-6]
        step = min(room / len(hungry), min(natural[i] - widths[i] for i in hungry))
        for i in hungry:
            widths[i] += step
        room -= step * len(hungry)
    return widths


def _cell_paragraph(para, text: str, *, header: bool, align):
    pf = para.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = CELL_LINE
    pf.space_before = Pt(2)
    pf.space_after = Pt(2)
    para.alignment = align
    _no_grid(para)
    _add_text(para, text, HEITI if header else FANGSONG, SIZE_4)


def _table(doc, block: Block):
    rows = block.rows
    widths = block.widths_mm or column_widths(rows)
    tbl = doc.add_table(rows=len(rows), cols=len(rows[0]))
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False  # w:tblLayout fixed: the widths below are kept
    tblpr = tbl._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(round(sum(widths) * TWIPS_PER_MM)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.find(qn("w:tblLayout")).addnext(margins)  # schema order: … tblLayout, tblCellMar, tblLook
    for col, w in zip(tbl._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(round(w * TWIPS_PER_MM)))
    numeric = [all(_display_len(str(r[c])) <= 8 for r in rows[1:]) for c in range(len(rows[0]))]
    for r, row in enumerate(rows):
        tr = tbl.rows[r]._tr
        trpr = tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        if r == 0:
            trpr.append(OxmlElement("w:tblHeader"))  # the header row repeats on every page
        for c, value in enumerate(row):
            cell = tbl.cell(r, c)
            cell.width = Mm(widths[c])
            centred = r == 0 or numeric[c]
            align = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            _cell_paragraph(cell.paragraphs[0], str(value), header=r == 0, align=align)
            tcpr = cell._tc.get_or_add_tcPr()
            valign = OxmlElement("w:vAlign")
            valign.set(qn("w:val"), "center")
            tcpr.append(valign)
    doc.add_paragraph()


IMPRINT_ROW_MM = 7.5  # height of one 版记 row (4号 text and a little air)
IMPRINT_POSITION = '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'

TEXTBOX_XML = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="{z}" '
    'behindDoc="0" locked="1" layoutInCell="1" allowOverlap="0"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
    "{position_v}"
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>{wrap}'
    '<wp:docPr id="{id}" name="{name}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>'
    "<wps:txbx><w:txbxContent/></wps:txbx>"
    '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b" '
    'anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp>'
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
)


def _text_box(*, height_mm: float, name: str, position_v: str, wrap: str):
    """A borderless text box the width of the 版心: (its run, to append to an anchor paragraph;
    its content element, to fill with paragraphs)."""
    from docx.oxml import parse_xml

    xml = TEXTBOX_XML.format(
        cx=int(TEXT_WIDTH_MM * EMU_PER_MM),
        cy=int(height_mm * EMU_PER_MM),
        id=next(_SHAPE_IDS),
        z=next(_SHAPE_IDS),
        name=name,
        position_v=position_v,
        wrap=wrap,
    )
    run = parse_xml(xml)  # the oxml parser: paragraphs inside keep python-docx's element classes
    return run, run.find(".//" + qn("w:txbxContent"))


def _page_box(holder, *, y_mm: float, height_mm: float, name: str):
    """A text box whose top is `y_mm` from the top of the page, anchored to `holder` and not
    moving the text around it; returns its (empty) paragraph."""
    from docx.text.paragraph import Paragraph

    at = f'<wp:positionV relativeFrom="page"><wp:posOffset>{int(y_mm * EMU_PER_MM)}</wp:posOffset></wp:positionV>'
    run, content = _text_box(height_mm=height_mm, name=name, position_v=at, wrap="<wp:wrapNone/>")
    p_el = OxmlElement("w:p")
    content.append(p_el)
    holder._p.append(run)
    return Paragraph(p_el, holder._parent)


def _imprint(doc, spec: OfficialDocument):
    """版记 at the foot of the last side of the last sheet (an even page; `body_end` finds where
    the body ends): a borderless text box aligned to the bottom margin (Word and LibreOffice both
    honour a page-aligned anchored frame; a floating table's tblpPr is ignored by LibreOffice),
    wrapping top-and-bottom so body text never runs under it. Rules 0.35 mm above the first row
    and below the last, 0.25 mm between rows; 抄送 and 印发 in 4号 仿宋, 1 character in."""
    from docx.text.paragraph import Paragraph

    rows = []
    if spec.cc:
        rows.append(("cc", f"抄送：{'，'.join(spec.cc)}。"))
    if spec.printer:
        rows.append(("print", spec.printer))
    if not rows:
        return
    height = IMPRINT_ROW_MM * len(rows)
    run, content = _text_box(
        height_mm=height, name="版记", position_v=IMPRINT_POSITION, wrap="<wp:wrapTopAndBottom/>"
    )
    thick, thin = "8", "6"  # eighths of a point: 0.35 mm ≈ 1 pt, 0.25 mm ≈ 0.75 pt
    one_char = int(SIZE_4.pt * 20)
    for i, (kind, text) in enumerate(rows):
        p_el = OxmlElement("w:p")
        content.append(p_el)
        para = Paragraph(p_el, None)
        pf = para.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(IMPRINT_ROW_MM * 72 / 25.4 - 2)
        pf.space_before = Pt(1)
        pf.space_after = Pt(1)
        ppr = p_el.get_or_add_pPr()
        if i == 0:
            _border(para, "top", size_eighths=int(thick), color="000000", space=1)
        if i == len(rows) - 1:
            _border(para, "bottom", size_eighths=int(thick), color="000000", space=1)
        else:
            _border(para, "bottom", size_eighths=int(thin), color="000000", space=1)
        if kind == "print":
            tabs = OxmlElement("w:tabs")
            tab = OxmlElement("w:tab")
            tab.set(qn("w:val"), "right")
            tab.set(qn("w:pos"), str(int(TEXT_WIDTH_MM * TWIPS_PER_MM) - one_char))
            tabs.append(tab)
            ppr.find(qn("w:pBdr")).addnext(tabs)
        ind = OxmlElement("w:ind")  # text 1 character in; the rules keep the full width
        ind.set(qn("w:firstLine"), str(one_char))
        ppr.append(ind)
        _no_grid(para)
        if kind == "cc":
            _add_text(para, text, FANGSONG, SIZE_4)
        else:
            _add_text(para, text, FANGSONG, SIZE_4)
            tab_run = para.add_run()
            tab_run._r.append(OxmlElement("w:tab"))
            _add_text(para, f"{chinese_date(spec.print_date or spec.date)}印发", FANGSONG, SIZE_4)
    page, used = body_end(doc)
    section = doc.sections[-1]
    room = (section.page_height - section.top_margin - section.bottom_margin) / 12700 - used
    full = room < height * 72 / 25.4 + 2
    if page % 2 == 0 and full:
        # the last even page has no room: a blank page, then the 版记 page, neither numbered
        _unnumbered_section(doc)
        doc.add_paragraph()
    anchor = doc.add_paragraph()
    _fmt(anchor, exact=False)
    anchor.paragraph_format.line_spacing = Pt(1)
    anchor.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # the body ends on an odd page: the 版记 goes to the foot of its back (an even page)
    anchor.paragraph_format.page_break_before = page % 2 == 1 or full
    _no_grid(anchor)
    anchor._p.append(run)


def _unnumbered_section(doc):
    """A new section, from the next page, whose footers are empty (no page numbers)."""
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    for footer in (section.footer, section.even_page_footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        for para in footer.paragraphs:
            for child in list(para._p):
                if child.tag != qn("w:pPr"):
                    para._p.remove(child)


# --- where the body ends (for the 版记) -------------------------------------------------------------
#
# GB/T 9704 puts the 版记 on the last side of the last sheet: an even page. A .docx cannot ask for
# "the next even page unless this one is even", so the renderer finds where the body ends with a
# line model of its own output (exact line heights on the 28 × 22 grid, table rows that never
# split, a repeated header row) and moves the 版记 on when needed. Checked against LibreOffice's
# layout in documents/tests/test_pagination.py.

_FIT = 0.5  # points of tolerance when a line meets the bottom of the 版心


def _twips_attr(el, name: str, default: float = 0.0) -> float:
    if el is None:
        return default
    value = el.get(qn(f"w:{name}"))
    return float(value) / 20 if value is not None else default


_NO_LINE_START = set("，。、；：？！）》」』”’…—%．,.;:?!)]}")
_NO_LINE_END = set("（《「『“‘([{")


def _tokens(p_el) -> tuple[list[float], float]:
    """The paragraph's text as the widths (points) of unbreakable pieces — a CJK character with
    the punctuation that may not start a line after it, or a run of Western characters — and the
    largest font size; a right tab takes the rest of the line."""
    pieces: list[float] = []
    biggest = 0.0
    glue = False  # the previous piece may not end a line (an opening bracket)
    prev_wide = None
    for r in p_el.iter(qn("w:r")):
        sz = r.find(qn("w:rPr") + "/" + qn("w:sz"))
        size = float(sz.get(qn("w:val"))) / 2 if sz is not None else SIZE_3.pt
        biggest = max(biggest, size)
        if r.find(qn("w:tab")) is not None:
            pieces.append(TEXT_WIDTH_MM * 72 / 25.4)
            continue
        for t in r.iter(qn("w:t")):
            for ch in t.text or "":
                wide = ord(ch) >= 0x2E80
                w = (size + CONDENSE_TWENTIETHS / 20) if wide else size * (0.25 if ch == " " else 0.5)
                if prev_wide is not None and wide != prev_wide and ch.strip():
                    w += size * 0.2  # the space between CJK and Western text
                western = not wide and prev_wide is False and ch != " "
                if pieces and (glue or ch in _NO_LINE_START or western):
                    pieces[-1] += w
                else:
                    pieces.append(w)
                glue = ch in _NO_LINE_END
                prev_wide = wide
    return pieces, biggest or SIZE_3.pt


def _wrap(pieces: list[float], avail: float, first_indent: float = 0.0) -> int:
    """Lines needed for `pieces` in lines `avail` points wide (the first one indented)."""
    lines, x = 1, first_indent
    for w in pieces:
        if x + w > avail + 0.01 and x > 0:
            lines, x = lines + 1, 0.0
        x += w
    return lines


def _paragraph_lines(p_el, available: float) -> tuple[int, float, float, bool]:
    """(lines, line height, space before, page break) of one body paragraph."""
    ppr = p_el.find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing")) if ppr is not None else None
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    before = _twips_attr(spacing, "before")
    line = _twips_attr(spacing, "line", LINE_PITCH.pt)
    exact = spacing is not None and spacing.get(qn("w:lineRule")) == "exact"
    brk = any(b.get(qn("w:type")) == "page" for b in p_el.iter(qn("w:br")))
    pieces, size = _tokens(p_el)
    if not exact:
        line = max(line, size * 1.3)
    avail = available - _twips_attr(ind, "left") - _twips_attr(ind, "right")
    lines = _wrap(pieces, avail, _twips_attr(ind, "firstLine"))
    border = ppr.find(qn("w:pBdr") + "/" + qn("w:bottom")) if ppr is not None else None
    if border is not None:
        before += float(border.get(qn("w:space"), "0")) + float(border.get(qn("w:sz"), "0")) / 8
    return lines, line, before, brk


def _table_rows(tbl_el) -> list[float]:
    """Height in points of each row of a table (cells wrap at their column width)."""
    widths = [float(c.get(qn("w:w"))) / 20 for c in tbl_el.iter(qn("w:gridCol"))]
    margin = 2 * CELL_MARGIN_TWIPS / 20
    heights = []
    for tr in tbl_el.iter(qn("w:tr")):
        tallest = 0.0
        for col, tc in enumerate(tr.iter(qn("w:tc"))):
            avail = widths[col] - margin if col < len(widths) else TEXT_WIDTH_MM
            cell = 0.0
            for p_el in tc.iter(qn("w:p")):
                cell += _wrap(_tokens(p_el)[0], avail) * CELL_LINE.pt + 4  # 2 pt before and after
            tallest = max(tallest, cell)
        heights.append(tallest + 0.5)  # the row's rule
    return heights


def body_end(doc, *, stop=None) -> tuple[int, float]:
    """(page, points used on it) after the body of a rendered document, up to `stop` (an element)."""
    section = doc.sections[0]
    height = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    width = (section.page_width - section.left_margin - section.right_margin) / 12700
    page, y = 1, 0.0
    for el in doc.element.body:
        if el is stop:
            break
        if el.tag == qn("w:p"):
            lines, line, before, brk = _paragraph_lines(el, width)
            if brk:
                page, y = page + 1, 0.0
                continue
            y += before
            for _ in range(lines):
                if y + line > height + _FIT:
                    page, y = page + 1, 0.0
                y += line
        elif el.tag == qn("w:tbl"):
            rows = _table_rows(el)
            for i, h in enumerate(rows):
                if y + h > height + _FIT and y > 0:
                    page, y = page + 1, rows[0] if i else 0.0  # the header row repeats
                y += h
    return page, y


def _deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


__all__ = ["OfficialDocument", "Block", "render", "p", "h1", "h2", "h3", "h4", "table", "chinese_date"]
