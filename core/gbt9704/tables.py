"""Tables: column widths that fill the 版心 (numbers and dates never wrap) and the table itself
(4号 cells off the grid, rows that never split, a header row repeated on every page)."""

from __future__ import annotations

import re

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.gbt9704.model import FANGSONG, HEITI, SIZE_4, TEXT_WIDTH_MM, TWIPS_PER_MM, Block
from core.gbt9704.ooxml import add_text, no_grid

CELL_CHAR_MM = SIZE_4.pt * 25.4 / 72  # one 4号 character
CELL_MARGIN_TWIPS = 57  # left and right cell margins: 1 mm each (narrower than Word's 0.19 cm)
CELL_PAD_MM = 2.4  # both margins and a little air
CELL_LINE = Pt(20)  # exact line height inside table cells (4号 text, off the document grid)
_UNBREAKABLE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日|[\d.,%—-]*)$")


def display_len(text: str) -> float:
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
        head = display_len(str(rows[0][c]))
        body = max((display_len(t) for t in cells), default=0.0)
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


def cell_paragraph(para, text: str, *, header: bool, align):
    pf = para.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = CELL_LINE
    pf.space_before = Pt(2)
    pf.space_after = Pt(2)
    para.alignment = align
    no_grid(para)
    add_text(para, text, HEITI if header else FANGSONG, SIZE_4)


def add_table(doc, block: Block):
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
    numeric = [all(display_len(str(r[c])) <= 8 for r in rows[1:]) for c in range(len(rows[0]))]
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
            cell_paragraph(cell.paragraphs[0], str(value), header=r == 0, align=align)
            tcpr = cell._tc.get_or_add_tcPr()
            valign = OxmlElement("w:vAlign")
            valign.set(qn("w:val"), "center")
            tcpr.append(valign)
    doc.add_paragraph()
