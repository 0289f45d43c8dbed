"""Issue 3 "done means": supervision → rectification → documents, walked in Chromium as its users would.

A 督查员 creates a 专项督查, draws targets and inspectors at random (双随机) and re-runs the draw (复核抽签);
records findings at three units and turns them into problems; issues a 交办函 to one unit (read back
with python-docx); that unit's clerk rectifies two items and leaves one overdue (the application
clock moves); the verifier closes one and sends one back (退回), the unit rectifies it again and it
is closed; a 回头看 reopens a closed item; the statistics page and a generated 督查通报 show the same
reconciled numbers. Screenshots go to test-output/e2e/ (prefix s).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from core import clock
from core.testing import PASSWORD, build_org
from tests.e2e.conftest import SHOTS, login, pick_unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLERKS = {key: f"{key}_clerk" for key in ("county_a", "county_b", "county_c", "inst_a")}
RED = "E60012"  # the red of the 发文机关标志 (core.gbt9704.RED)


def visible(page, selector):
    return page.locator(f"{selector} >> visible=true").first


def submit(page, label=None):
    """Click the page's own submit button (not the nav bar's logout button)."""
    scope = page.locator("#main form[method=post] button[type=submit] >> visible=true")
    if label:
        scope = scope.filter(has_text=label)
    scope.first.click()
    page.wait_for_load_state("networkidle")


def accept_dialogs(page):
    page.on("dialog", lambda d: d.accept())
    return page


def test_supervision_loop(new_page, shots):
    org = build_org()
    today = clock.today()
    shot_no = iter(range(1, 100))
    for old in SHOTS.glob("s[0-9][0-9]_*.png"):  # this walk's screenshots of an earlier run
        old.unlink()

    def shot(page, name):
        shots(page, f"s{next(shot_no):02d}_{name}")

    # --- 1. the 督查员 creates a 专项督查 with its two pools -----------------------------------------
    sup = accept_dialogs(new_page())
    login(sup, "prov_supervisor", PASSWORD)
    sup.goto("/supervision/")
    shot(sup, "campaign_list_empty")
    sup.get_by_role("link", name=re.compile("新建专项督查")).first.click()
    sup.wait_for_load_state("networkidle")
    sup.select_option("[name=org_unit]", value=str(org.units["province"].pk))
    sup.fill("[name=theme]", "基层医疗卫生机构服务能力专项督查")
    sup.select_option("[name=kind]", label="交叉互评")
    sup.fill("[name=start_date]", today.isoformat())
    sup.fill("[name=end_date]", (today + dt.timedelta(days=20)).isoformat())
    sup.fill("[name=description]", "检查家庭医生签约履约、基本公卫建档和院感防控落实情况")
    sup.fill("[name=checklist]", "家庭医生签约履约情况\n基本公共卫生服务建档\n院感防控制度落实")
    pool_units = ["county_a", "county_b", "county_c", "inst_a"]
    for key in pool_units:  # a search box over the province's units: type part of a name, pick
        pick_unit(sup, "target_pool", org.units[key])
    chosen = sup.eval_on_selector("select[name=target_pool]", "e => [...e.selectedOptions].map(o => o.value)")
    assert sorted(chosen) == sorted(str(org.units[k].pk) for k in pool_units)
    inspectors = ["prov_supervisor", "city_a_supervisor", "county_b_head", "county_c_clerk"]
    sup.select_option("[name=inspector_pool]", value=[str(org.users[u].pk) for u in inspectors])
    # the labels count what is selected as the user picks
    assert sup.locator("#main label", has_text="检查对象库").inner_text() == "检查对象库（已选4个）"
    assert sup.locator("#main label", has_text="检查人员库").inner_text() == "检查人员库（已选4人）"
    shot(sup, "campaign_create")
    sup.click("#create-submit")
    sup.wait_for_load_state("networkidle")
    from supervision.models import Campaign, Draw

    campaign = Campaign.objects.get(theme="基层医疗卫生机构服务能力专项督查")
    assert sup.url.endswith(f"/supervision/campaigns/{campaign.pk}/")
    assert campaign.target_pool.count() == 4 and campaign.inspector_pool.count() == 4
    assert campaign.checklist.count() == 3
    shot(sup, "campaign_created")

    # --- 2. 双随机: 3 targets of 4, 2 inspectors each; 复核抽签 gives the same result -----------------
    sup.fill("#id_target_count", "3")
    sup.fill("#id_inspectors_per_target", "2")
    visible(sup, "#draw button[type=submit]").click()
    sup.wait_for_load_state("networkidle")
    draw = Draw.objects.get(campaign=campaign)
    assert len(draw.result) == 3
    seed = sup.locator("#draw-seed").inner_text()
    assert seed == draw.seed
    shown_result = sup.locator("#draw-result").inner_text()
    shot(sup, "draw_result")
    sup.click("#verify-latest")
    sup.wait_for_load_state("networkidle")
    assert sup.get_by_text("复核一致").first.is_visible()
    assert sup.locator("#draw-result").inner_text() == shown_result
    shot(sup, "draw_verified")
    campaign.refresh_from_db()
    drawn = list(campaign.targets.order_by("path"))
    assert len(drawn) == 3
    by_pk = {org.units[k].pk: k for k in pool_units}
    drawn_keys = [by_pk[u.pk] for u in drawn]
    # nobody inspects their own unit or a unit above or below it
    from org.models import User

    for row in draw.result:
        target = next(u for u in drawn if u.pk == row["target"])
        for uid in row["inspectors"]:
            unit = User.objects.get(pk=uid).unit
            assert not target.is_descendant_of(unit) and not unit.is_descendant_of(target)

    # --- 3. inspection records at the three drawn units, with findings ------------------------------
    letter_key = drawn_keys[0]  # the unit that will get the 交办函 (three problems)
    findings_at = {
        letter_key: [
            ("家庭医生签约后未按约定提供随访服务，履约率仅为41%", "serious", "家庭医生签约履约情况"),
            ("居民电子健康档案更新不及时，部分档案信息空白", "general", "基本公共卫生服务建档"),
            ("发热门诊预检分诊登记不全，院感防控制度执行不到位", "severe", "院感防控制度落实"),
        ],
    }
    for key in drawn_keys[1:]:
        findings_at[key] = [("签约服务包内容未向居民公示", "general", "家庭医生签约履约情况")]
    for n, key in enumerate(drawn_keys):
        sup.goto(f"/supervision/campaigns/{campaign.pk}/")
        row = sup.locator("#targets tbody tr", has_text=org.units[key].name)
        row.get_by_role("link", name=re.compile("录入检查记录")).click()
        sup.wait_for_load_state("networkidle")
        assert sup.locator("[name=target]").input_value() == str(org.units[key].pk)
        sup.fill("[name=site]", f"{org.units[key].short_name}门诊部")
        if n == 0:
            sup.check("[name=is_key_site]")
        sup.fill("[name=summary]", "现场查看服务台账，随机电话回访签约居民")
        legends = sup.locator("fieldset legend")
        assert legends.count() == 3
        for i, (text, severity, item) in enumerate(findings_at[key], start=1):
            fieldset = sup.locator("fieldset", has_text=item)
            fieldset.get_by_label("发现问题").check()
            sup.fill(f"[name=f{i}_description]", text)
            sup.select_option(f"[name=f{i}_severity]", value=severity)
            sup.select_option(f"[name=f{i}_item]", label=item)
        shot(sup, f"record_form_{n + 1}")
        submit(sup, "保存检查记录")
        assert sup.get_by_text("检查记录已保存").first.is_visible()
        shot(sup, f"record_saved_{n + 1}")

    # --- 4. each finding becomes a problem in one step ----------------------------------------------
    from rectification.models import Problem
    from supervision.models import InspectionRecord

    for n, key in enumerate(drawn_keys, start=1):
        rec = InspectionRecord.objects.get(campaign=campaign, org_unit=org.units[key])
        for text, _sev, _item in findings_at[key]:
            sup.goto(f"/supervision/records/{rec.pk}/")
            item = sup.locator("#findings li.list-group-item", has_text=text)
            item.locator("summary", has_text="转为问题").click()
            short = key == letter_key and "发热门诊" in text
            deadline = today + dt.timedelta(days=10 if short else 30)
            item.locator("select[name=category]").select_option(label="公共卫生")
            item.locator("input[name=deadline]").fill(deadline.isoformat())
            item.locator("textarea[name=requirement]").fill("立行立改，建立长效机制")
            if key == letter_key and "发热门诊" in text:
                shot(sup, "finding_convert")
            item.get_by_role("button", name=re.compile("转为问题")).click()
            sup.wait_for_load_state("networkidle")
            problem = Problem.objects.get(finding__description=text, org_unit=org.units[key])
            assert sup.url.endswith(f"/rectification/problems/{problem.pk}/")
            assert problem.campaign_id == campaign.pk and problem.record_id == rec.pk
        shot(sup, f"problem_from_finding_{n}")
    letter_unit = org.units[letter_key]
    unit_problems = list(Problem.objects.filter(org_unit=letter_unit).order_by("deadline", "pk"))
    assert len(unit_problems) == 3
    sup.goto(f"/supervision/records/{rec.pk}/")
    shot(sup, "record_with_problems")
    sup.goto(f"/supervision/campaigns/{campaign.pk}/")
    figures = sup.locator("#campaign-figures").inner_text()
    assert "检查单位 3次" in figures and "重点场所 1次" in figures and "发现问题 5个" in figures
    shot(sup, "campaign_with_records")

    # --- 5. a 交办函 to one unit: drafted from the ledger, issued with the password, downloaded ------
    sup.goto(f"/supervision/campaigns/{campaign.pk}/")
    sup.get_by_role("link", name=re.compile("起草交办函")).click()
    sup.wait_for_load_state("networkidle")
    assert sup.locator("[name=campaign]").input_value() == str(campaign.pk)
    with sup.expect_navigation():  # choosing the recipient submits the pick form
        sup.select_option("[name=recipient]", value=str(letter_unit.pk))
    sup.wait_for_load_state("networkidle")
    boxes = sup.locator("input[name=problems]")
    assert boxes.count() == 3
    assert all(boxes.nth(i).is_checked() for i in range(3))
    shot(sup, "letter_pick_problems")
    submit(sup, "生成交办函草稿")
    from documents.models import IssuedDocument

    letter = IssuedDocument.objects.get(kind="letter")
    assert sup.url.endswith(f"/documents/{letter.pk}/")
    assert letter.status == "draft" and letter.problems.count() == 3
    shot(sup, "letter_draft")
    visible(sup, "#submit button[type=submit]").click()  # 送签: the 督查员 drafts, a leader signs
    sup.wait_for_load_state("networkidle")
    leader = accept_dialogs(new_page())
    login(leader, "prov_leader", PASSWORD)
    leader.goto(f"/documents/{letter.pk}/")
    leader.fill("#issue [name=password]", PASSWORD)
    visible(leader, "#issue button[type=submit]").click()
    leader.wait_for_load_state("networkidle")
    sup.goto(f"/documents/{letter.pk}/")
    letter.refresh_from_db()
    year = clock.today().year
    assert letter.status == "issued" and re.fullmatch(rf"示卫督〔{year}〕\d+号", letter.doc_number)
    assert sup.locator("#doc-number").inner_text() == letter.doc_number
    shot(sup, "letter_issued")
    with sup.expect_download() as dl:
        visible(sup, "[data-action=download]").click()
    data = open(dl.value.path(), "rb").read()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "s_letter.docx").write_bytes(data)  # kept for a look in LibreOffice
    check_letter_docx(data, letter, unit_problems)
    for p in unit_problems:  # the letter is on each problem's timeline
        assert p.events.filter(kind="letter").exists()

    # --- 6. the unit's clerk rectifies two items and leaves the third ------------------------------
    overdue_p = next(p for p in unit_problems if "发热门诊" in p.description)
    first_p = next(p for p in unit_problems if "履约率" in p.description)
    second_p = next(p for p in unit_problems if "健康档案" in p.description)
    clerk = accept_dialogs(new_page(width=390, height=844))  # on a phone
    login(clerk, CLERKS[letter_key], PASSWORD)
    clerk.goto("/rectification/")
    for p in unit_problems:
        assert clerk.get_by_text(p.code).first.is_visible()
    shot(clerk, "clerk_ledger_phone")
    # the unit receives the 交办函: from a problem's 相关公文 to the frozen file the 督查员 issued
    clerk.goto(f"/rectification/problems/{overdue_p.pk}/")
    visible(clerk, f"#documents a:has-text('{letter.title}')").click()
    clerk.wait_for_load_state("networkidle")
    assert clerk.locator("#doc-number").inner_text() == letter.doc_number
    shot(clerk, "clerk_letter_phone")
    with clerk.expect_download() as dl:
        visible(clerk, "[data-action=download]").click()
    assert open(dl.value.path(), "rb").read() == data
    for n, p in enumerate((first_p, second_p), start=1):
        clerk.goto("/rectification/")
        visible(clerk, f"a:has-text('{p.code}')").click()
        clerk.wait_for_load_state("networkidle")
        if n == 1:
            shot(clerk, "clerk_problem_pending")
        visible(clerk, "[data-action=start]").click()
        clerk.wait_for_load_state("networkidle")
        clerk.fill("[name=measures]", "1. 制定整改方案，明确责任科室；2. 逐户回访核实；3. 纳入月度考核")
        clerk.fill("[name=responsible_person]", "钱联络")
        if n == 1:
            shot(clerk, "clerk_measures")
        submit(clerk)
        assert clerk.get_by_text("整改措施已保存").first.is_visible()
        visible(clerk, "[data-action=evidence]").click()
        clerk.wait_for_load_state("networkidle")
        clerk.set_input_files(
            "input[type=file]",
            files=[{"name": f"整改佐证{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        submit(clerk)
        assert clerk.get_by_text("佐证已上传").first.is_visible()
        visible(clerk, "[data-action=submit]").click()
        clerk.wait_for_load_state("networkidle")
        clerk.fill("[name=note]", "已完成整改，佐证材料已上传")
        submit(clerk)
        assert clerk.get_by_text("已提交验收").first.is_visible()
        p.refresh_from_db()
        assert p.status == "rectified"
        if n == 1:
            shot(clerk, "clerk_submitted")
        # the rectifying unit cannot verify its own work
        assert clerk.locator("[data-action=verify]").count() == 0

    # --- 7. time passes: the third item goes overdue and shows red ------------------------------------
    clock.travel(days=12)
    later = clock.today()
    assert overdue_p.deadline < later < first_p.deadline
    sup.goto(f"/rectification/?org_unit={letter_unit.pk}")
    shot(sup, "ledger_after_time_passes")
    sup.goto("/rectification/?light=red")
    assert sup.get_by_text(overdue_p.code).first.is_visible()
    assert sup.get_by_text(first_p.code).count() == 0
    assert sup.get_by_text(f"红：逾期{(later - overdue_p.deadline).days}天").first.is_visible()
    shot(sup, "ledger_red")
    # the ladder (R-WRN-2): the 督查员 takes its first step by hand (the daily job would too)
    sup.goto(f"/rectification/problems/{overdue_p.pk}/")
    visible(sup, "[data-action=escalate]").click()
    sup.wait_for_load_state("networkidle")
    sup.fill("[name=note]", "请于3个工作日内报送整改进展")
    submit(sup, "确认督办升级")
    assert sup.get_by_text("督办：提醒").first.is_visible()
    overdue_p.refresh_from_db()
    assert overdue_p.escalation == 1 and overdue_p.status == "pending"
    shot(sup, "overdue_escalated")

    # --- 8. the verifier closes one and sends one back -----------------------------------------------
    sup.goto(f"/rectification/problems/{first_p.pk}/")
    visible(sup, "[data-action=verify]").click()
    sup.wait_for_load_state("networkidle")
    sup.fill("[name=note]", "佐证充分，整改到位")
    shot(sup, "verify_form")
    sup.click("button[name=decision][value=approve]")
    sup.wait_for_load_state("networkidle")
    first_p.refresh_from_db()
    assert first_p.status == "closed" and first_p.verified_by.username == "prov_supervisor"
    shot(sup, "problem_closed")

    sup.goto(f"/rectification/problems/{second_p.pk}/")
    visible(sup, "[data-action=verify]").click()
    sup.wait_for_load_state("networkidle")
    sup.click("button[name=decision][value=return]")  # no reason: refused, nothing changes
    sup.wait_for_load_state("networkidle")
    assert sup.get_by_text("退回须填写理由").first.is_visible()
    second_p.refresh_from_db()
    assert second_p.status == "rectified"
    shot(sup, "return_without_reason")
    sup.fill("[name=note]", "佐证只有方案，缺少档案更新后的抽查记录")
    sup.click("button[name=decision][value=return]")
    sup.wait_for_load_state("networkidle")
    second_p.refresh_from_db()
    assert second_p.status == "in_progress" and second_p.return_count == 1
    shot(sup, "problem_returned")

    # the unit rectifies again (重新整改) and the verifier closes it
    clerk.goto(f"/rectification/problems/{second_p.pk}/")
    assert clerk.get_by_text("佐证只有方案").first.is_visible()
    visible(clerk, "[data-action=evidence]").click()
    clerk.wait_for_load_state("networkidle")
    clerk.set_input_files(
        "input[type=file]",
        files=[{"name": "档案抽查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(clerk)
    visible(clerk, "[data-action=submit]").click()
    clerk.wait_for_load_state("networkidle")
    clerk.fill("[name=note]", "补充档案抽查记录20份")
    submit(clerk)
    shot(clerk, "clerk_resubmitted")
    sup.goto(f"/rectification/problems/{second_p.pk}/")
    visible(sup, "[data-action=verify]").click()
    sup.wait_for_load_state("networkidle")
    sup.click("button[name=decision][value=approve]")
    sup.wait_for_load_state("networkidle")
    second_p.refresh_from_db()
    assert second_p.status == "closed"

    # --- 9. 回头看 a few days later: closed items drawn at random; one fails and is reopened ----------
    clock.travel(days=5)
    assert clock.today() < first_p.deadline
    sup.goto("/rectification/")
    sup.get_by_role("link", name=re.compile("回头看")).first.click()
    sup.wait_for_load_state("networkidle")
    sup.fill("[name=count]", "5")
    submit_get = sup.locator("#main form[aria-label=随机抽取] button[type=submit]")
    submit_get.click()
    sup.wait_for_load_state("networkidle")
    recheck_seed = sup.locator("code.seed").inner_text()
    assert recheck_seed
    shot(sup, "recheck_drawn")
    assert sup.locator("input[name=problem]").count() == 2  # both closed items of the walk
    sup.select_option(f"#result_{first_p.pk}", value="fail")
    sup.fill(f"#note_{first_p.pk}", "回访发现签约居民仍未获随访，问题反弹")
    sup.select_option(f"#result_{second_p.pk}", value="pass")
    sup.fill(f"#note_{second_p.pk}", "抽查档案已更新")
    submit(sup, "保存复查结果")
    assert sup.get_by_text("其中1个未通过，已重新整改").first.is_visible()
    shot(sup, "recheck_saved")
    first_p.refresh_from_db()
    second_p.refresh_from_db()
    assert first_p.status == "in_progress" and first_p.regressions == 1
    assert second_p.status == "closed"
    sup.goto(f"/rectification/problems/{first_p.pk}/")
    assert sup.get_by_text("回头看反弹1次").first.is_visible()
    assert sup.get_by_text("整改完成").count() == 0  # being rectified again
    shot(sup, "problem_reopened")

    # --- 10. the statistics page and a generated 督查通报 show the same reconciled numbers ------------
    sup.goto("/rectification/")
    sup.get_by_role("link", name=re.compile("整改统计")).first.click()
    sup.wait_for_load_state("networkidle")
    shot(sup, "statistics_by_unit")
    page_rows = read_stats_table(sup)
    page_total = page_rows.pop("合计")
    # what the walk implies: the letter unit has 3 problems — 1 closed (the one that passed 回头看),
    # 1 in progress (reopened by the 回头看), 1 never started and overdue; the other two units 1 each
    expected_unit = {
        "应整改": 3,
        "已整改": 1,
        "正在整改": 1,
        "未启动": 1,
        "逾期": 1,
        "整改率": "33.3%",
        "回头看反弹": 1,
    }
    assert page_rows[letter_unit.name] == expected_unit
    for key in drawn_keys[1:]:
        assert page_rows[org.units[key].name] == {
            "应整改": 1,
            "已整改": 0,
            "正在整改": 0,
            "未启动": 1,
            "逾期": 0,
            "整改率": "0.0%",
            "回头看反弹": 0,
        }
    assert page_total == {
        "应整改": 5,
        "已整改": 1,
        "正在整改": 1,
        "未启动": 3,
        "逾期": 1,
        "整改率": "20.0%",
        "回头看反弹": 1,
    }
    for row in [*page_rows.values(), page_total]:  # every row reconciles
        assert row["应整改"] == row["已整改"] + row["正在整改"] + row["未启动"]
    assert sum(r["应整改"] for r in page_rows.values()) == page_total["应整改"]
    assert "三项相加正好等于应整改总数" in sup.locator("p.reconciliation").inner_text()
    # every number opens the ledger with exactly those problems: the letter unit's 逾期
    row = sup.locator("table.stats-table tbody tr", has_text=letter_unit.name)
    row.locator("td").nth(4).get_by_role("link").click()
    sup.wait_for_load_state("networkidle")
    assert "筛选结果共 1 个问题" in sup.locator("#main").inner_text().replace("\n", " ")
    assert sup.get_by_text(overdue_p.code).first.is_visible()
    shot(sup, "statistics_drill_overdue")

    # the campaign line of the list page
    sup.goto("/supervision/")
    campaign_line = sup.locator("#main").get_by_text(re.compile("^开展专项督查")).first.inner_text()
    assert campaign_line.startswith("开展专项督查1次，检查单位3次，重点场所1次，发现问题5个，下发交办函1份")
    shot(sup, "campaign_list_stats")

    # 督查通报: drafted from the ledger, issued (the next number of the issuer's year), downloaded
    sup.goto("/documents/")
    sup.get_by_role("link", name=re.compile("起草督查通报")).click()
    sup.wait_for_load_state("networkidle")
    shot(sup, "bulletin_form")
    submit(sup, "生成通报草稿")
    bulletin = IssuedDocument.objects.get(kind="bulletin")
    assert sup.url.endswith(f"/documents/{bulletin.pk}/")
    shot(sup, "bulletin_draft")
    visible(sup, "#submit button[type=submit]").click()  # 送签; the province's leader signs
    sup.wait_for_load_state("networkidle")
    leader = accept_dialogs(new_page())
    login(leader, "prov_leader", PASSWORD)
    leader.goto(f"/documents/{bulletin.pk}/")
    leader.fill("#issue [name=password]", PASSWORD)
    visible(leader, "#issue button[type=submit]").click()
    leader.wait_for_load_state("networkidle")
    sup.goto(f"/documents/{bulletin.pk}/")
    bulletin.refresh_from_db()
    # numbered per issuer and year without gaps: right after the 交办函 (or 1 if the walk crossed a year)
    now_year = clock.today().year
    expected_no = letter.number + 1 if now_year == year else 1
    assert bulletin.doc_number == f"示卫督〔{now_year}〕{expected_no}号"
    shot(sup, "bulletin_issued")
    with sup.expect_download() as dl:
        visible(sup, "[data-action=download]").click()
    data = open(dl.value.path(), "rb").read()
    (SHOTS / "s_bulletin.docx").write_bytes(data)
    doc_total, doc_rows, sentence, campaign_sentence = read_bulletin(data)

    # the same numbers as the statistics page: 合计, the counts sentence, and each city's row as the
    # sum of its units' rows on the page
    page_five = {k: page_total[k] for k in ("应整改", "已整改", "正在整改", "未启动", "逾期", "整改率")}
    assert doc_total == page_five
    assert sentence == (
        f"需要整改{page_total['应整改']}条，已整改{page_total['已整改']}条，正在整改{page_total['正在整改']}条，"
        f"未启动{page_total['未启动']}条，整改率{page_total['整改率']}，逾期{page_total['逾期']}条"
    )
    cities = {}
    for key, unit_row in ((k, page_rows[org.units[k].name]) for k in drawn_keys):
        city = org.units[key].parent
        while city.parent_id != org.units["province"].pk:
            city = city.parent
        acc = cities.setdefault(
            city.display_name, dict.fromkeys(("应整改", "已整改", "正在整改", "未启动", "逾期"), 0)
        )
        for k in acc:
            acc[k] += unit_row[k]
    assert {name: {k: v for k, v in row.items() if k != "整改率"} for name, row in doc_rows.items()} == cities
    assert campaign_line.startswith(campaign_sentence)
    paragraphs = [p for p in docx_document(data).paragraphs if p.text.strip()]
    assert_red_mark(paragraphs[0], f"{org.units['province'].name}文件")  # 文件格式
    assert paragraphs[1].text == bulletin.doc_number
    text = "\n".join(p.text for p in paragraphs)
    assert f"{letter_unit.short_name}（逾期1条）" in text  # named on the 黑榜
    assert overdue_p.description in text  # a typical case


def read_stats_table(page) -> dict:
    """The statistics table as {row label: {column header: value}} (numbers as int)."""
    headers = [h.strip() for h in page.locator("table.stats-table thead th").all_inner_texts()]
    out = {}
    for tr in page.locator("table.stats-table tbody tr, table.stats-table tfoot tr").all():
        cells = [c.strip() for c in tr.locator("th, td").all_inner_texts()]
        row = {}
        for h, c in zip(headers[1:], cells[1:], strict=True):
            if h in ("核对", ""):
                continue
            row[h] = c if c.endswith("%") or c == "—" else int(c)
        out[cells[0]] = row
    return out


def assert_red_mark(paragraph, text):
    assert paragraph.text == text
    assert all(str(r.font.color.rgb) == RED for r in paragraph.runs if r.text.strip())


def docx_document(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def first_paragraph(doc):
    """The first paragraph with text in reading order, text boxes included (the 信函格式 mark
    stands in a box anchored to the page)."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    return next(
        Paragraph(p, None) for p in doc.element.body.iter(qn("w:p")) if Paragraph(p, None).text.strip()
    )


def read_bulletin(data: bytes):
    """From the 通报 .docx: the 合计 row and the unit rows of its table, the counts sentence and the
    campaign sentence."""
    doc = docx_document(data)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "单位")
    header = [c.text for c in table.rows[0].cells]
    rows = {}
    for r in table.rows[1:]:
        cells = [c.text for c in r.cells]
        rows[cells[0]] = {
            h: (v if v.endswith("%") or v == "—" else int(v))
            for h, v in zip(header[1:], cells[1:], strict=True)
        }
    total = rows.pop("合计")
    text = "\n".join(p.text for p in doc.paragraphs)
    sentence = re.search(
        r"需要整改\d+条，已整改\d+条，正在整改\d+条，未启动\d+条，整改率[\d.]+%，逾期\d+条", text
    )
    campaign = re.search(
        r"开展专项督查\d+次，检查单位\d+次，重点场所\d+次，发现问题\d+个，下发交办函\d+份", text
    )
    return total, rows, sentence.group(0), campaign.group(0)


def check_letter_docx(data: bytes, letter, problems):
    """The downloaded 交办函 is a proper official document: red 发文机关标志, 发文字号, the unit's
    problems with their deadlines, 主送 the unit."""
    doc = docx_document(data)
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    assert_red_mark(first_paragraph(doc), letter.org_unit.name)  # 信函格式: the issuer's name
    texts = [p.text for p in paragraphs]
    assert letter.doc_number in texts
    assert re.search(r"〔\d{4}〕\d+号", letter.doc_number)
    assert f"{letter.recipient.name}：" in texts
    assert letter.title in texts
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "问题", "整改要求", "整改时限"]
    assert len(rows) == 1 + len(problems)
    for row, p in zip(rows[1:], problems, strict=True):
        assert row[1] == p.description
        assert row[3] == f"{p.deadline.year}年{p.deadline.month}月{p.deadline.day}日"
    issued = letter.issued_on
    assert f"{issued.year}年{issued.month}月{issued.day}日" in texts  # 成文日期 in Arabic numerals
