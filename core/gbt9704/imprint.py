"""版记 (抄送, 印发) at the foot of the last side of the last sheet, an even page."""

from __future__ import annotations

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from core.gbt9704.measure import body_end
from core.gbt9704.model import FANGSONG, SIZE_4, TEXT_WIDTH_MM, TWIPS_PER_MM, OfficialDocument, chinese_date
from core.gbt9704.ooxml import add_text, border, fmt, no_grid, text_box
from core.gbt9704.page import unnumbered_section

IMPRINT_ROW_MM = 7.5  # height of one 版记 row (4号 text and a little air)
IMPRINT_POSITION = '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'


def imprint(doc, spec: OfficialDocument):
    """版记 at the foot of the last side of the last sheet (an even page; `body_end` finds where
    the body ends): a borderless text box aligned to the bottom margin (Word and LibreOffice both
    honour a page-aligned anchored frame; a floating table's tblpPr is ignored by LibreOffice),
    wrapping top-and-bottom so body text never runs under it. Rules 0.35 mm above the first row
    and below the last, 0.25 mm between rows; 抄送 and 印发 in 4号 仿宋, 1 character in."""
    rows = []
    if spec.cc:
        rows.append(("cc", f"抄送：{'，'.join(spec.cc)}。"))
    if spec.printer:
        rows.append(("print", spec.printer))
    if not rows:
        return
    height = IMPRINT_ROW_MM * len(rows)
    run, content = text_box(
        height_mm=height, name="版记", position_v=IMPRINT_POSITION, wrap="<wp:wrapTopAndBottom/>"
    )
    for i, (kind, text) in enumerate(rows):
        _imprint_row(content, kind, text, first=i == 0, last=i == len(rows) - 1, spec=spec)
    _place(doc, run, height)


def _imprint_row(content, kind: str, text: str, *, first: bool, last: bool, spec: OfficialDocument):
    """One row of the 版记 box: 抄送：…。, or 印发机关 with 印发日期 at a right tab."""
    thick, thin = "8", "6"  # eighths of a point: 0.35 mm ≈ 1 pt, 0.25 mm ≈ 0.75 pt
    one_char = int(SIZE_4.pt * 20)
    p_el = OxmlElement("w:p")
    content.append(p_el)
    para = Paragraph(p_el, None)
    pf = para.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(IMPRINT_ROW_MM * 72 / 25.4 - 2)
    pf.space_before = Pt(1)
    pf.space_after = Pt(1)
    ppr = p_el.get_or_add_pPr()
    if first:
        border(para, "top", size_eighths=int(thick), color="000000", space=1)
    if last:
        border(para, "bottom", size_eighths=int(thick), color="000000", space=1)
    else:
        border(para, "bottom", size_eighths=int(thin), color="000000", space=1)
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
    no_grid(para)
    add_text(para, text, FANGSONG, SIZE_4)
    if kind == "print":
        tab_run = para.add_run()
        tab_run._r.append(OxmlElement("w:tab"))
        add_text(para, f"{chinese_date(spec.print_date or spec.date)}印发", FANGSONG, SIZE_4)


def _place(doc, run, height: float) -> None:
    """Anchor the 版记 box after the body: on this even page when it has room, on the back of an
    odd page, or after a blank page when the even page is full (neither of them numbered)."""
    page, used = body_end(doc)
    section = doc.sections[-1]
    room = (section.page_height - section.top_margin - section.bottom_margin) / 12700 - used
    full = room < height * 72 / 25.4 + 2
    if page % 2 == 0 and full:
        # the last even page has no room: a blank page, then the 版记 page, neither numbered
        unnumbered_section(doc)
        doc.add_paragraph()
    anchor = doc.add_paragraph()
    fmt(anchor, exact=False)
    anchor.paragraph_format.line_spacing = Pt(1)
    anchor.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # the body ends on an odd page: the 版记 goes to the foot of its back (an even page)
    anchor.paragraph_format.page_break_before = page % 2 == 1 or full
    no_grid(anchor)
    anchor._p.append(run)
