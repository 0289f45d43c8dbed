"""Declarations: 整改 (problems, their actions, 回头看, 转为问题, ledger, exports, statistics)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from core.testing.views import LISTING, MARK, Endpoint, pk, rows, value, workbook
from org.models import Unit
from rectification import services as rcsvc
from rectification.models import Problem, ProblemCategory, ReCheck
from rectification.tests.factories import pdf
from supervision import services as ssvc

HEAD = "county_a_head"  # 甲一县 rectifies the world's problem
SUP = "city_a_supervisor"  # 甲市 found it, and verifies


def _not_excel(world):
    return {"file": SimpleUploadedFile("问题.txt", b"not a workbook")}


PROBLEM_HEADER = [
    "整改单位编码*", "问题来源*", "来源说明", "问题类别*", "严重程度", "发现日期", "问题描述*", "整改要求", "整改时限*",
]  # fmt: skip


def _problem_rows(world):
    deadline = (clock.today() + dt.timedelta(days=60)).isoformat()
    row = [
        "SF-A-1",
        "审计",
        "审计报告第3号",
        "医疗质量",
        "较重",
        None,
        "药品采购未按规定公开",
        "立行立改",
        deadline,
    ]
    return {
        "found_by_unit": Unit.objects.get(code="SF-A").pk,
        "file": workbook(PROBLEM_HEADER, [row], "问题.xlsx"),
    }


def _problem_body(world, **over):
    data = {
        "found_by_unit": Unit.objects.get(code="SF-A").pk,
        "org_unit": world["unit"].pk,
        "source": "petition",
        "source_note": "信访件2026-031",
        "category": ProblemCategory.objects.first().pk,
        "severity": "serious",
        "found_on": clock.today().isoformat(),
        "description": "群众反映乡镇卫生院夜间无人值班",
        "requirement": "建立夜间值班制度",
        "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
    }
    return {**data, **over}


def _version(world):
    return Problem.objects.get(pk=world["problem"].pk).version


def _started(world):
    rcsvc.problem_start(
        actor=world["org"].user(HEAD),
        problem=world["problem"],
        measures="制定整改计划",
        responsible_person="孙局长",
    )


def _with_evidence(world):
    _started(world)
    rcsvc.problem_add_evidence(actor=world["org"].user(HEAD), problem=world["problem"], upload=pdf())


def _submitted(world):
    _with_evidence(world)
    problem = Problem.objects.get(pk=world["problem"].pk)
    rcsvc.problem_submit(actor=world["org"].user(HEAD), problem=problem, note="已完成")


def _closed(world):
    _submitted(world)
    problem = Problem.objects.get(pk=world["problem"].pk)
    rcsvc.problem_verify(actor=world["org"].user(SUP), problem=problem, approve=True)


def _overdue(world):
    clock.travel(days=12)  # the world's problem (deadline in 9 days) is now 3 days overdue


def _new_finding(world):
    finding = ssvc.finding_add(
        actor=world["org"].user(SUP), record_=world["record"], description=f"{MARK}新发现", severity="general"
    )
    return {"new_finding": finding}


def _convert_body(deadline):
    return lambda w: {
        "category": ProblemCategory.objects.first().pk,
        "deadline": deadline(),
        "requirement": "",
    }


def _recheck_body(world, note):
    problem = world["problem"].pk
    return {"problem": [problem], f"result_{problem}": "fail", f"note_{problem}": note, "sampled": "0"}


RECTIFICATION = [
    Endpoint("rectification:problem_list", scope=LISTING, insider=HEAD, shows=f"{MARK}发现"),
    Endpoint("rectification:problem_export", scope=LISTING, insider=SUP),
    Endpoint(
        "rectification:problem_docx", scope=LISTING, insider=SUP, query=lambda w: {"unit": w["unit"].pk}
    ),  # 问题清单 of one unit
    Endpoint(
        "rectification:problem_create",
        scope=LISTING,
        insider=SUP,
        valid=_problem_body,
        state=rows(Problem),
        invalid=lambda w: _problem_body(w, deadline="2026-02-30"),
    ),
    Endpoint(
        "rectification:problem_import",
        scope=LISTING,
        insider=SUP,
        valid=_problem_rows,
        state=rows(Problem),
        audits=2,  # the row created, and the import (file, row count) as one entry
        invalid=_not_excel,
    ),
    Endpoint("rectification:problem_import_template", scope=LISTING, insider=SUP),
    Endpoint("rectification:problem_detail", pk("problem"), insider=HEAD, shows=f"{MARK}发现"),
    Endpoint(
        "rectification:problem_start",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=HEAD,
        valid=lambda w: {
            "measures": "建立处方点评制度",
            "responsible_person": "孙局长",
            "version": _version(w),
        },
        state=value("problem", "status"),
        invalid=lambda w: {"measures": "", "responsible_person": "孙局长", "version": _version(w)},
    ),
    Endpoint(
        "rectification:problem_evidence",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=HEAD,
        prepare=_started,
        valid=lambda w: {"files": [pdf("制度文件.pdf")]},
        state=lambda w: Problem.objects.get(pk=w["problem"].pk).evidence.count(),
        invalid=lambda w: {"files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]},
    ),
    Endpoint(
        "rectification:problem_submit",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=HEAD,
        prepare=_with_evidence,
        valid=lambda w: {"note": "已整改完毕", "version": _version(w)},
        state=value("problem", "status"),
        invalid=lambda w: {"note": "", "version": _version(w)},
    ),
    Endpoint(
        "rectification:problem_verify",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=SUP,
        prepare=_submitted,
        valid=lambda w: {"decision": "approve", "note": "同意销号", "version": _version(w)},
        state=value("problem", "status"),
        invalid=lambda w: {"decision": "return", "note": "", "version": _version(w)},  # 退回须填写理由
    ),
    Endpoint(
        "rectification:problem_recheck",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=SUP,
        prepare=_closed,
        valid=lambda w: {"passed": "0", "note": "问题反弹"},
        state=value("problem", "status"),
        invalid=lambda w: {"passed": "0", "note": ""},
    ),
    Endpoint(
        "rectification:problem_escalate",
        pk("problem"),
        shows=f"{MARK}发现",
        insider=SUP,
        prepare=_overdue,
        valid=lambda w: {"note": "请立即整改"},
        state=value("problem", "escalation"),
        why="invalid: its one field (意见) is optional",
    ),
    Endpoint(
        "rectification:recheck",
        scope=LISTING,
        insider="prov_supervisor",  # 回头看 draws from problems outside the user's own unit
        prepare=_closed,
        valid=lambda w: _recheck_body(w, "问题反弹"),
        state=rows(ReCheck),
        refusal="message",
        invalid=lambda w: _recheck_body(w, ""),  # 请填写复查情况
    ),
    Endpoint(
        "rectification:finding_convert",
        pk("new_finding"),
        shows=f"{MARK}新发现",
        insider=SUP,
        prepare=_new_finding,
        valid=_convert_body(lambda: (clock.today() + dt.timedelta(days=20)).isoformat()),
        state=rows(Problem),
        invalid=_convert_body(lambda: "2026-02-30"),
    ),
    Endpoint("rectification:statistics", scope=LISTING, insider=SUP),
    Endpoint("rectification:statistics_export", scope=LISTING, insider=SUP),
]
