"""Low-level WordprocessingML: runs with their East Asian font, paragraph formats on the line
grid, borders, the page number field, and shapes anchored to the page (rules, text boxes)."""

from __future__ import annotations

import re

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from core.gbt9704.model import (
    CHAR_PITCH_PT,
    FANGSONG,
    LATIN,
    LINE_PITCH,
    SIZE_3,
    SIZE_4,
    SONGTI,
    TEXT_WIDTH_MM,
)


def set_run_font(run, east_asia: str, size, *, bold=False, color=None, latin: str | None = None):
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


def fmt(
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


def no_grid(paragraph):
    ppr = paragraph._element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    later = [ppr.find(qn(t)) for t in ("w:spacing", "w:ind", "w:jc")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(snap)
    else:
        ppr.append(snap)


def border(paragraph, side: str, *, val="single", size_eighths=12, color="E60012", space=0):
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


def page_line(
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


def add_text(paragraph, text, east_asia=FANGSONG, size=SIZE_3, **kw):
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
    set_run_font(run, east_asia, size, **kw)
    return run


def page_field(paragraph, size=SIZE_4):
    add_text(paragraph, "— ", SONGTI, size, latin=SONGTI)
    run = paragraph.add_run()
    set_run_font(run, SONGTI, size, latin=SONGTI)
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
    add_text(paragraph, " —", SONGTI, size, latin=SONGTI)


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


def text_box(*, height_mm: float, name: str, position_v: str, wrap: str):
    """A borderless text box the width of the 版心: (its run, to append to an anchor paragraph;
    its content element, to fill with paragraphs)."""

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


def page_box(holder, *, y_mm: float, height_mm: float, name: str):
    """A text box whose top is `y_mm` from the top of the page, anchored to `holder` and not
    moving the text around it; returns its (empty) paragraph."""
    at = f'<wp:positionV relativeFrom="page"><wp:posOffset>{int(y_mm * EMU_PER_MM)}</wp:posOffset></wp:positionV>'
    run, content = text_box(height_mm=height_mm, name=name, position_v=at, wrap="<wp:wrapNone/>")
    p_el = OxmlElement("w:p")
    content.append(p_el)
    holder._p.append(run)
    return Paragraph(p_el, holder._parent)
