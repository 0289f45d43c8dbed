"""The 版记 on the last side of the last sheet (an even page, GB/T 9704): the renderer's line model
of its own output (core.gbt9704.body_end), and LibreOffice's layout of the result."""

import datetime as dt
import io
import random
import re
import shutil
import subprocess

import docx
import pytest

from core import gbt9704 as g

TEXT = "督查整改问题台账交办函县卫健委医共体建设村卫生室标准化家庭医生签约服务基本公共卫生建档疫苗接种"


def sentence(rng: random.Random, n: int) -> str:
    out = []
    for i in range(n):
        out.append(rng.choice(TEXT))
        if i % 17 == 16:
            out.append("，")
        if i % 41 == 40:
            out.append(str(rng.randint(1, 2026)))
    return "".join(out) + "。"


def bulletin(body: list[g.Block], **kw) -> g.OfficialDocument:
    fields = dict(
        issuer_mark="示范省卫生健康委员会文件",
        doc_number="示卫督〔2026〕12号",
        title="关于2026年第三季度重点任务督查情况的通报",
        addressee="各市卫生健康委员会",
        body=body,
        signature="示范省卫生健康委员会",
        date=dt.date(2026, 11, 24),
        note="联系人：张三，电话：0000-12345678",
        cc=["省委督查室", "省政府督查室"],
        printer="示范省卫生健康委员会办公室",
        print_date=dt.date(2026, 11, 24),
    )
    fields.update(kw)
    return g.OfficialDocument(**fields)


def varied(seed: int) -> g.OfficialDocument:
    """A report of random length: paragraphs, headings and problem tables that wrap and split."""
    rng = random.Random(seed)
    body = []
    for _ in range(rng.randint(1, 30)):
        r = rng.random()
        if r < 0.1:
            body.append(g.h1("一、" + sentence(rng, rng.randint(6, 20))))
        elif r < 0.2:
            body.append(g.h2("（一）" + sentence(rng, rng.randint(6, 30))))
        elif r < 0.27:
            rows = [["序号", "单位", "问题", "整改时限"]]
            for j in range(rng.randint(1, 8)):
                rows.append(
                    [
                        j + 1,
                        sentence(rng, rng.randint(4, 12)),
                        sentence(rng, rng.randint(8, 60)),
                        "2026年12月31日",
                    ]
                )
            body.append(g.table(rows))
        else:
            body.append(g.p(sentence(rng, rng.randint(10, 260))))
    letter = {}
    if seed % 4 == 3:  # 信函格式 (a 交办函 with 抄送): its mark stands above the 版心 of page 1
        letter = dict(issuer_mark="示范省卫生健康委员会", letter=True, printer="")
    return bulletin(body, attachments=["问题清单"] if rng.random() < 0.3 else [], **letter)


def lines_of(n_chars: int) -> g.Block:
    return g.p("督" * n_chars)


def end_of(spec) -> tuple[int, float]:
    d = docx.Document(io.BytesIO(g.render(spec)))
    stop = next(p._p.getnext() for p in d.paragraphs if p.text.startswith("（联系人"))
    return g.body_end(d, stop=stop)


def test_line_model_counts_wrapped_lines_and_pages():
    one = end_of(bulletin([lines_of(26)]))  # 2 characters of indent + 26: one full line
    two = end_of(bulletin([lines_of(27)]))  # one character more: a second line
    assert one[0] == two[0] == 1
    assert two[1] - one[1] == pytest.approx(g.LINE_PITCH.pt)
    # punctuation never starts a line: 26 characters and a full stop take two lines
    assert end_of(bulletin([g.p("督" * 26 + "。")]))[1] == pytest.approx(two[1])
    # a page holds 22 lines: 22 more one-line paragraphs end on the next page, at the same place
    page, used = end_of(bulletin([lines_of(26)] * 10))
    assert end_of(bulletin([lines_of(26)] * 32)) == (page + 1, pytest.approx(used))


def test_odd_end_moves_the_imprint_to_the_back_and_even_end_keeps_it():
    height = 225 * 72 / 25.4
    seen = set()
    for n in range(1, 60):
        page, used = end_of(bulletin([lines_of(26)] * n))
        anchor = docx.Document(io.BytesIO(g.render(bulletin([lines_of(26)] * n)))).paragraphs[-1]
        if page % 2 == 1:
            assert anchor.paragraph_format.page_break_before, n
            seen.add("odd")
        elif used < height - 60:  # room for the 版记 at the foot of this even page
            assert not anchor.paragraph_format.page_break_before, n
            seen.add("even")
    assert seen == {"odd", "even"}


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


def _pages(pdf) -> list[str]:
    count = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout)[
            1
        ]
    )
    return [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-layout", pdf, "-"], capture_output=True, text=True
        ).stdout
        for i in range(1, count + 1)
    ]


@pytest.mark.skipif(
    not _soffice() or not shutil.which("pdftotext"),
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext)",
)
def test_imprint_is_on_the_last_even_page_in_libreoffice(tmp_path):
    specs = {f"v{seed}": varied(seed) for seed in range(16)}
    # a body that fills an even page to the bottom: a blank page, then the 版记 page, both unnumbered
    for n in range(1, 80):
        spec = bulletin([lines_of(26)] * n)
        page, used = end_of(spec)
        if page % 2 == 0 and used > 225 * 72 / 25.4 - 50:
            specs["full"] = spec
            break
    assert "full" in specs
    for name, spec in specs.items():
        (tmp_path / f"{name}.docx").write_bytes(g.render(spec))
    subprocess.run(
        [_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
        + [str(tmp_path / f"{name}.docx") for name in specs],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in specs:
        pages = _pages(str(tmp_path / f"{name}.pdf"))
        with_imprint = [i for i, text in enumerate(pages, 1) if "抄送：" in text]
        assert with_imprint == [len(pages)], name  # on the last page only …
        assert len(pages) % 2 == 0, name  # … which is an even one
        numbered = [i for i, text in enumerate(pages, 1) if re.search(rf"—\s*{i}\s*—", text)]
        first = 2 if specs[name].letter else 1  # 信函格式: no number on the first page
        if name == "full":
            body_pages = len(pages) - 2
            assert "督" not in pages[-2] and "督" not in pages[-1].split("抄送")[0], name
            assert numbered == list(range(first, body_pages + 1)), name  # blank and 版记 pages: no number
        else:
            assert numbered == list(range(first, len(pages) + 1)), name
