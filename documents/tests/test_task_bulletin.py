"""督办通报 for tasks: every number from the task ledger at generation time (R-DOC-2), equal to a
plain evaluation over every row; regenerated with unchanged data it is identical."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core import clock
from core.testing import PASSWORD, make_task
from documents import services, task_bulletin
from documents.models import DocumentKind, IssuedDocument
from documents.selectors import bulletin_assignments
from tasks.models import Assignment

pytestmark = pytest.mark.django_db

UNITS = ["county_a", "county_b", "county_c", "inst_a", "city_a", "city_b"]
STATUSES = ["assigned", "signed", "in_progress", "completion_requested", "completed"]


def ledger(org, n=24, seed=7):
    """n assignments in the province with random states, due dates around today."""
    rng = random.Random(seed)
    today = clock.today()
    for i in range(n):
        task = make_task(org, title=f"任务{i}", lead=rng.choice(UNITS), days=30, start_offset=-40)
        due = today + dt.timedelta(days=rng.randint(-25, 10))
        status = rng.choice(STATUSES)
        done = None
        if status == "completed":
            done = timezone.make_aware(
                dt.datetime.combine(due + dt.timedelta(days=rng.randint(-5, 3)), dt.time(10))
            )
        last = rng.choice([None, today - dt.timedelta(days=rng.randint(0, 20))])
        Assignment.objects.filter(task=task).update(
            due_date=due, status=status, completed_at=done, last_report_on=last, progress=rng.randint(0, 100)
        )


def plain(rows, start, end, today, heads):
    """The rule in words, evaluated row by row: counts by head unit and in total."""
    out = {}
    for a in rows:
        key = heads(a.unit)
        acc = out.setdefault(key, {"due": 0, "on_time": 0, "red": 0})
        for t in (acc, out.setdefault("合计", {"due": 0, "on_time": 0, "red": 0})):
            if start <= a.due_date <= min(end, today):
                t["due"] += 1
                if a.status == "completed" and timezone.localtime(a.completed_at).date() <= a.due_date:
                    t["on_time"] += 1
            if a.status != "completed" and a.due_date < today:
                t["red"] += 1
    return out


def pct(part, whole):
    if not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def test_numbers_equal_a_plain_evaluation_over_every_row(org):
    ledger(org)
    today = clock.today()
    start, end = today - dt.timedelta(days=20), today
    province = org.unit("province")
    qs = bulletin_assignments(org.user("prov_supervisor"), province)
    draft = task_bulletin.task_bulletin(issuer=province, assignments=qs, period_start=start, period_end=end)

    def head(unit):
        while unit.parent_id != province.pk:
            unit = unit.parent
        return unit.short_name

    rows = list(Assignment.objects.select_related("unit__parent__parent"))
    expected = plain(rows, start, end, today, head)
    table = next(c for k, c in draft.body if k == "table")
    got = {r[0]: r for r in table[1:]}
    for label, e in expected.items():
        r = got[label]
        assert (r[1], r[2], r[4]) == (e["due"], e["on_time"], e["red"]), label
        assert r[3] == (f"{e['on_time']}/{e['due']} · {pct(e['on_time'], e['due'])}" if e["due"] else "—")
    total = expected["合计"]
    assert draft.params["totals"][:3] == [total["due"], total["on_time"], total["red"]]
    red = sorted(
        (a for a in rows if a.status != "completed" and a.due_date < today), key=lambda a: (a.due_date, a.pk)
    )
    assert draft.params["assignments"] == [a.pk for a in red]
    late = [a for a in rows if task_bulletin.late_words(_row(a), today)]
    assert draft.params["totals"][3] == len(late)
    # regenerated with unchanged data: identical
    again = task_bulletin.task_bulletin(issuer=province, assignments=qs, period_start=start, period_end=end)
    assert again == draft


def _row(a):
    return {
        f: getattr(a, f)
        for f in ("status", "cadence", "start_date", "last_report_on", "emergency_from", "emergency_until")
    }


def test_a_city_bulletin_counts_only_its_counties(org):
    ledger(org)
    city = org.unit("city_a")
    qs = bulletin_assignments(org.user("city_a_supervisor"), city)
    assert set(qs.values_list("unit__code", flat=True)) <= {"SF-A", "SF-A-1", "SF-A-1-H", "SF-A-2"}
    draft = task_bulletin.task_bulletin(
        issuer=city,
        assignments=qs,
        period_start=clock.today() - dt.timedelta(days=30),
        period_end=clock.today(),
    )
    labels = [r[0] for r in next(c for k, c in draft.body if k == "table")[1:]]
    assert set(labels) <= {"甲一县卫健局", "甲二县卫健局", "甲市卫健委本级", "合计"}


def test_drafted_through_the_web_then_signed_by_a_leader(org, login):
    ledger(org, n=8)
    client = login(org.user("prov_supervisor"))
    url = reverse("documents:task_bulletin_create")
    assert "起草督办通报" in client.get(url).content.decode()
    today = clock.today()
    response = client.post(
        url,
        {
            "issuer": org.unit("province").pk,
            "period_start": (today - dt.timedelta(days=30)).isoformat(),
            "period_end": today.isoformat(),
        },
    )
    assert response.status_code == 302
    doc = IssuedDocument.objects.get(kind=DocumentKind.TASK_BULLETIN)
    assert sorted(doc.assignments.values_list("pk", flat=True)) == sorted(doc.params["assignments"])
    page = client.get(doc.get_absolute_url()).content.decode()
    assert "红色任务清单" in page and 'id="issue"' not in page
    services.document_submit(actor=org.user("prov_supervisor"), document=doc)
    doc = services.document_issue(actor=org.user("prov_leader"), document=doc, password=PASSWORD)
    assert doc.doc_number and doc.issued_by == org.user("prov_leader")
