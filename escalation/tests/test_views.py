"""The ladder list and the task page's 督办升级 section: scope, filters, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.testing import make_task
from escalation.models import Level
from escalation.services import ladder_scan

pytestmark = pytest.mark.django_db


def red_tasks(org, n: int, lead: str = "county_a", days_red: int = 3, *, more=()):
    """n tasks of `lead` (and of each unit in `more`, n each) due in 5 days, then `days_red` red."""
    clock.reset()
    tasks = [make_task(org, days=5, title=f"红色任务{u}{i}", lead=u) for u in (lead, *more) for i in range(n)]
    clock.travel(days=5 + days_red, hours=1)
    ladder_scan()
    return tasks


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_shows_the_step_days_red_and_is_scoped(org, client):
    red_tasks(org, 1, "county_a", more=["county_b"])
    client.force_login(org.user("county_b_leader"))
    html = client.get(reverse("escalation:list")).content.decode()
    assert "红色任务county_b0" in html and "红色任务county_a0" not in html
    client.force_login(org.user("county_a_clerk"))
    html = client.get(reverse("escalation:list") + f"?step={Level.URGE}").content.decode()
    assert "红色任务county_a0" in html and "红色任务county_b0" not in html
    assert "催办" in html and "天</span>" in html
    html = client.get(reverse("escalation:list") + f"?step={Level.ORDER}").content.decode()
    assert "红色任务county_a0" not in html


def test_the_light_and_unit_filters(org, client):
    tasks = red_tasks(org, 2, "county_a")
    done = tasks[0].assignments.get()
    done.status = "completed"
    done.save(update_fields=["status"])
    client.force_login(org.user("prov_leader"))
    url = reverse("escalation:list")
    html = client.get(url + "?light=red").content.decode()
    assert "红色任务county_a1" in html and "红色任务county_a0" not in html
    html = client.get(url + "?light=done").content.decode()
    assert "红色任务county_a0" in html and "已停止" in html
    html = client.get(url + f"?unit={org.units['county_b'].pk}").content.decode()
    assert "红色任务county_a1" not in html


def test_the_list_runs_a_constant_number_of_queries(org, client):
    red_tasks(org, 2)
    client.force_login(org.user("prov_leader"))
    url = reverse("escalation:list")
    client.get(url)  # the first request of a session reads more (session, caches)
    few = page_queries(client, url)
    red_tasks(org, 6, "county_b")
    assert page_queries(client, url) == few
    assert page_queries(client, url + "?per_page=20&step=2") <= few + 1


def test_the_task_page_lists_the_steps(org, client):
    (task,) = red_tasks(org, 1, days_red=7)
    client.force_login(org.user("county_a_head"))
    html = client.get(task.get_absolute_url()).content.decode()
    assert 'id="ladder"' in html and "督办升级" in html
    for level in (Level.REMIND, Level.URGE, Level.ORDER):
        assert f'data-level="{int(level)}"' in html
    client.force_login(org.user("county_c_clerk"))
    assert client.get(task.get_absolute_url()).status_code == 404
