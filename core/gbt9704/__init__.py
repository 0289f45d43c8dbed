"""Official-document layout of GB/T 9704-2012 (党政机关公文格式), written with python-docx.

A building block with no domain knowledge: it knows pages, lines and characters, not tasks or
problems (documents.builders turns the ledgers into an `OfficialDocument`).

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

The package: `model` (the grid and the input), `ooxml` (runs, paragraphs, shapes), `page` (styles,
the section, page numbers), `tables`, `measure` (`body_end`, the line model), `imprint` (版记) and
`renderer` (`render`). Imports: the standard library and python-docx (with its lxml) only.
"""

from core.gbt9704.measure import body_end
from core.gbt9704.model import (
    LINE_PITCH,
    RED,
    TEXT_HEIGHT_MM,
    TEXT_WIDTH_MM,
    Block,
    OfficialDocument,
    chinese_date,
    h1,
    h2,
    h3,
    h4,
    p,
    table,
)
from core.gbt9704.renderer import render
from core.gbt9704.tables import column_widths

__all__ = [
    "LINE_PITCH",
    "RED",
    "TEXT_HEIGHT_MM",
    "TEXT_WIDTH_MM",
    "Block",
    "OfficialDocument",
    "body_end",
    "chinese_date",
    "column_widths",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "render",
    "table",
]
