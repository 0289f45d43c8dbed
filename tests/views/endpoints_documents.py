"""Declarations: 公文 (交办函, 督办单, 督查通报, 督办通报, 督查报告; edit, 送签, 撤回, 退回, 签发,
download, list, export)."""

import datetime as dt

from core import clock
from core.testing import PASSWORD
from core.testing.views import LISTING, MARK, RECORD, Endpoint, pk, rows, value
from documents import builders
from documents import services as dsvc
from documents.models import IssuedDocument
from org.models import Unit
from rectification.models import Problem
from rectification.tests.factories import new_problem

SUP = "city_a_supervisor"  # the world's 交办函 is 甲市's, to 甲一县
LEADER = "city_a_leader"  # signs 甲市's documents


def _city_a():
    return Unit.objects.get(code="SF-A")


def _new_problem(world):
    org = world["org"]
    problem = new_problem(org, unit="county_a", found_by="city_a", actor=SUP, description=f"{MARK}新问题")
    return {"new_problem": problem}


def _draft(world):
    org, problem = world["org"], _new_problem(world)["new_problem"]
    draft = builders.assignment_letter(
        issuer=_city_a(),
        recipient=world["unit"],
        problems=Problem.objects.filter(pk=problem.pk),
        campaign=None,
    )
    document = dsvc.document_draft(
        actor=org.user(SUP),
        kind="letter",
        org_unit=_city_a(),
        draft=draft,
        recipient=world["unit"],
        problems=[problem],
    )
    return {"draft": document}


def _red(world):
    """The world's assignment (甲一县's own task, due in 60 days) red; another, not red."""
    from core.testing import make_task

    clock.travel(days=70)
    green = make_task(
        world["org"], title=f"{MARK}未逾期", lead="county_a", org_unit="county_a", creator="county_a_head"
    )
    return {"green": green.assignments.get()}


def _submitted(world):
    drafted = _draft(world)
    dsvc.document_submit(actor=world["org"].user(SUP), document=drafted["draft"])
    return drafted


def _edit_body(world, **over):
    doc = IssuedDocument.objects.get(pk=world["draft"].pk)
    data = {
        "title": f"{MARK}交办函（改）",
        "addressee": doc.addressee,
        "body_text": dsvc.body_to_text(doc.body),
        "note": "",
        "cc_text": "",
        "version": doc.version,
    }
    return {**data, **over}


def _overdue(world):
    clock.travel(days=12)  # the world's problem (deadline in 9 days) is now 3 days overdue


def _letter_body(world, problems=True):
    data = {"issuer": _city_a().pk, "recipient": world["unit"].pk, "campaign": ""}
    return {**data, "problems": [world["new_problem"].pk]} if problems else data


def _period(start, end):
    return lambda w: {"issuer": _city_a().pk, "period_start": start(), "period_end": end()}


def _today():
    return clock.today().isoformat()


def _months_ago():
    return (clock.today() - dt.timedelta(days=60)).isoformat()


def _report_body(world, **over):
    data = {"issuer": _city_a().pk, "subject": "unit", "unit": world["unit"].pk, "addressee": "委党组"}
    return {**data, **over}


DOCUMENTS = [
    Endpoint("documents:document_list", scope=LISTING, insider=SUP, shows=lambda w: w["document"].doc_number),
    Endpoint("documents:document_export", scope=LISTING, insider=SUP),
    Endpoint(
        "documents:letter_create",
        scope=LISTING,
        insider=SUP,
        prepare=_new_problem,
        query=lambda w: {"issuer": _city_a().pk, "recipient": w["unit"].pk},
        shows=f"{MARK}新问题",
        valid=_letter_body,
        state=rows(IssuedDocument),
        invalid=lambda w: _letter_body(w, problems=False),  # 请至少选择一个要交办的问题
    ),
    Endpoint(
        "documents:order_create",
        scope=RECORD,  # about one problem (?problem=)
        insider=SUP,
        prepare=_overdue,
        query=lambda w: {"problem": w["problem"].pk},
        shows=f"{MARK}发现",
        valid=lambda w: {"problem": w["problem"].pk, "issuer": _city_a().pk},
        state=rows(IssuedDocument),
        invalid=lambda w: {"problem": w["problem"].pk, "issuer": ""},
    ),
    Endpoint(
        "documents:bulletin_create",
        scope=LISTING,
        insider=SUP,
        valid=_period(_months_ago, _today),
        state=rows(IssuedDocument),
        invalid=_period(_today, lambda: "2020-01-01"),  # ends before it starts
    ),
    Endpoint(
        "documents:task_order_create",
        scope=RECORD,  # about one assignment
        insider=SUP,
        get=None,
        prepare=_red,
        valid=lambda w: {"assignment": w["assignment"].pk},
        state=rows(IssuedDocument),
        audits=2,  # drafted, and sent for 签发
        invalid=lambda w: {"assignment": w["green"].pk},  # not red: no 督办单
        refusal="message",
    ),
    Endpoint(
        "documents:task_bulletin_create",
        scope=LISTING,
        insider=SUP,
        valid=_period(_months_ago, _today),
        state=rows(IssuedDocument),
        invalid=_period(_today, lambda: "2020-01-01"),  # ends before it starts
    ),
    Endpoint(
        "documents:report_create",
        scope=LISTING,
        insider=SUP,
        valid=_report_body,
        state=rows(IssuedDocument),
        invalid=lambda w: _report_body(w, unit=""),  # 请选择单位
    ),
    Endpoint(
        "documents:document_detail", pk("document"), insider=SUP, shows=lambda w: w["document"].doc_number
    ),
    Endpoint(
        "documents:document_edit",
        pk("draft"),
        insider=SUP,
        prepare=_draft,
        shows=f"{MARK}新问题",
        valid=_edit_body,
        state=value("draft", "title"),
        invalid=lambda w: _edit_body(w, title=""),
    ),
    Endpoint(
        "documents:document_submit",
        pk("draft"),
        insider=SUP,
        get=None,
        prepare=_draft,
        valid=lambda w: {"signer": ""},  # to any leader of 甲市
        state=value("draft", "status"),
        invalid=lambda w: {"signer": "999999"},  # not a leader of the issuer
    ),
    Endpoint(
        "documents:document_withdraw",
        pk("draft"),
        insider=SUP,
        get=None,
        prepare=_submitted,
        valid=lambda w: {},
        state=value("draft", "status"),
        why="invalid: a button without fields",
    ),
    Endpoint(
        "documents:document_return",
        pk("draft"),
        insider=LEADER,
        get=None,
        prepare=_submitted,
        valid=lambda w: {"comment": "请核实整改时限"},
        state=value("draft", "status"),
        invalid=lambda w: {"comment": ""},  # 请填写退回意见
    ),
    Endpoint(
        "documents:document_issue",
        pk("draft"),
        insider=LEADER,
        get=None,
        prepare=_submitted,
        valid=lambda w: {"password": PASSWORD},
        state=value("draft", "status"),
        invalid=lambda w: {"password": ""},
    ),
    Endpoint("documents:document_download", pk("document"), insider=SUP, why="shows: a file, not a page"),
]
