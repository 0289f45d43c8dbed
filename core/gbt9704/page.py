"""The page: Normal style on the grid, font fallbacks, the A4 section with its 版心 and page
numbers, an unnumbered section, and the deterministic zip the .docx is written as."""

from __future__ import annotations

import io
import zipfile

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from core.gbt9704.model import (
    CONDENSE_TWENTIETHS,
    FANGSONG,
    FONT_FALLBACKS,
    LATIN,
    LINE_PITCH,
    LINE_PITCH_TWIPS,
    SIZE_3,
    TEXT_HEIGHT_MM,
    TEXT_WIDTH_MM,
)
from core.gbt9704.ooxml import fmt, page_field, page_line


def setup_styles(doc):
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
    register_fonts(doc)


def register_fonts(doc):
    font_table = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            font_table = rel.target_part
    if font_table is None:
        return

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


def setup_section(section, *, letter: bool):
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
    fmt(odd, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=1, exact=False)
    page_field(odd)
    section.even_page_footer.is_linked_to_previous = False
    even = section.even_page_footer.paragraphs[0]
    fmt(even, align=WD_ALIGN_PARAGRAPH.LEFT, left_chars=1, exact=False)
    page_field(even)
    if letter:
        # 信函格式: no page number on the first page; a red thin-over-thick rule 20 mm above the bottom edge
        section.different_first_page_header_footer = True
        footer = section.first_page_footer.paragraphs[0]
        page_line(
            footer, x_mm=20, y_mm=297 - 20, length_mm=170, width_pt=3, cmpd="thinThick", name="信函下线"
        )
        section.footer_distance = Mm(20)


def unnumbered_section(doc):
    """A new section, from the next page, whose footers are empty (no page numbers)."""

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    for footer in (section.footer, section.even_page_footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        for para in footer.paragraphs:
            for child in list(para._p):
                if child.tag != qn("w:pPr"):
                    para._p.remove(child)


def deterministic_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
