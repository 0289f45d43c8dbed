"""The document as data: the GB/T 9704 page grid (fonts, sizes, the 28 × 22 版心) and
`OfficialDocument`, the one input of `render` — its body a list of `Block`s (p, h1–h4, table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docx.shared import Pt, RGBColor

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
    # 签发人 of an 上行文 (文件格式 only): the 版头 then has 发文字号 on the left, 1 character in, and
    # "签发人：姓名" on the right, 1 character in, on the same line (label 仿宋, name 楷体)
    signer: str = ""
    attachment_pages: list[tuple[str, list[Block]]] = field(default_factory=list)  # (附件标题, blocks)


def chinese_date(d: dt.date) -> str:
    """2026年3月5日: Arabic numerals, full year, no padding."""
    return f"{d.year}年{d.month}月{d.day}日"
