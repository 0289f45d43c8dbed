"""回头看 (R-RCT-3): random draw with a shown, repeatable seed or chosen items; pass/fail recorded in
one go; a failure reopens the item and counts as a regression."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from rectification.choices import ProblemStatus
from rectification.models import Problem, ReCheck
from rectification.tests.factories import bulk_problems, close, new_problem

pytestmark = pytest.mark.django_db

URL = reverse("rectification:recheck")


def drawn(response):
    return re.findall(r'name="problem" value="(\d+)"', response.content.decode())


def test_draw_shows_the_seed_and_the_same_seed_gives_the_same_pick(org, login):
    bulk_problems(org, 12, unit="county_a", status="closed")
    bulk_problems(org, 5, unit="county_a", status="in_progress")  # not closed: never drawn
    client = login(org.user("prov_supervisor"))
    response = client.get(URL, {"mode": "draw", "count": 4})
    assert response.status_code == 302 and "seed=" in response["Location"]  # a fresh seed goes in the URL
    page = client.get(response["Location"])
    seed = re.search(r"seed=([0-9a-f]+)", response["Location"]).group(1)
    assert seed in page.content.decode()
    first = drawn(page)
    assert len(first) == 4
    assert drawn(client.get(response["Location"])) == first  # 复核: same result
    assert all(Problem.objects.get(pk=pk).status == ProblemStatus.CLOSED for pk in first)
    other = drawn(client.get(URL, {"mode": "draw", "count": 4, "seed": "another"}))
    assert len(other) == 4


def test_recording_a_batch_reopens_failures_and_counts_regressions(org, login):
    a, b, c = (close(org, new_problem(org)) for _ in range(3))
    client = login(org.user("prov_supervisor"))
    seed = "2026-hkk"
    page = client.get(URL, {"mode": "draw", "count": 3, "seed": seed})
    assert sorted(map(int, drawn(page))) == sorted([a.pk, b.pk, c.pk])
    response = client.post(
        URL,
        {
            "problem": [a.pk, b.pk, c.pk],
            f"result_{a.pk}": "pass",
            f"note_{a.pk}": "整改成果巩固",
            f"result_{b.pk}": "fail",
            f"note_{b.pk}": "问题反弹",
            f"result_{c.pk}": "",
            "sampled": "1",
            "batch": seed,
        },
    )
    assert response.status_code == 302
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert a.status == ProblemStatus.CLOSED and b.status == ProblemStatus.IN_PROGRESS and b.regressions == 1
    assert c.status == ProblemStatus.CLOSED and not c.rechecks.exists()
    check = ReCheck.objects.get(problem=b)
    assert check.sampled and check.batch == seed and not check.passed
    assert AuditEvent.objects.filter(action="rectification.problem.rechecked").count() == 2
    stats = client.get(reverse("rectification:statistics"))
    assert stats.context["total"].regressions == 1
    assert seed in client.get(URL).content.decode()  # in the history


def test_a_row_with_an_error_saves_nothing_and_keeps_what_was_typed(org, login):
    a, b = (close(org, new_problem(org)) for _ in range(2))
    client = login(org.user("prov_supervisor"))
    response = client.post(
        URL,
        {
            "problem": [a.pk, b.pk],
            f"result_{a.pk}": "pass",
            f"note_{a.pk}": "我写的复查情况",
            f"result_{b.pk}": "fail",
            f"note_{b.pk}": "",
            "sampled": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写复查情况" in html and "我写的复查情况" in html
    assert not ReCheck.objects.exists()


def test_choose_mode_lists_closed_problems_by_keyword(org, login):
    wanted = bulk_problems(org, 1, status="closed", description="院感防控")[0]
    bulk_problems(org, 1, status="closed", description="其他问题")
    page = login(org.user("prov_supervisor")).get(URL, {"mode": "choose", "q": "院感"})
    assert drawn(page) == [str(wanted.pk)]


def test_the_pool_excludes_other_scopes_and_the_users_own_unit(org, login):
    own = bulk_problems(org, 1, unit="city_a", found_by="city_a", status="closed")[0]
    mine = bulk_problems(org, 1, unit="county_a", found_by="city_a", status="closed")[0]
    bulk_problems(org, 1, unit="county_c", found_by="province", status="closed")  # other city
    page = login(org.user("city_a_supervisor")).get(URL, {"mode": "draw", "count": 10, "seed": "s"})
    assert drawn(page) == [str(mine.pk)]
    # and a forged POST for a problem outside the pool records nothing
    client = login(org.user("city_a_supervisor"))
    client.post(URL, {"problem": [own.pk], f"result_{own.pk}": "fail", f"note_{own.pk}": "x", "sampled": "0"})
    assert not ReCheck.objects.exists()
    assert login(org.user("county_a_head")).get(URL).status_code == 403
