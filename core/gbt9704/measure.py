"""Where the body of a rendered document ends (for the 版记).

GB/T 9704 puts the 版记 on the last side of the last sheet: an even page. A .docx cannot ask for
"the next even page unless this one is even", so the renderer finds where the body ends with a
line model of its own output (exact line heights on the 28 × 22 grid, CJK line breaking, Western
runs, table rows that never split, a repeated header row) and moves the 版记 on when needed.
Checked against LibreOffice's layout in documents/tests/test_pagination.py.
"""

from __future__ import annotations

from docx.oxml.ns import qn

from core.gbt9704.model import CONDENSE_TWENTIETHS, LINE_PITCH, SIZE_3, TEXT_WIDTH_MM
from core.gbt9704.tables import CELL_LINE, CELL_MARGIN_TWIPS

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
