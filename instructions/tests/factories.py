"""Test helpers: a task of 甲一县 and 批示 on it, through the services."""

import datetime as dt

from core import clock
from core.testing import make_task
from instructions import services


def county_task(org, title="家庭医生签约服务扩面"):
    return make_task(org, title=title, lead="county_a", org_unit="county_a", creator="county_a_head")


def instruct(
    org, target, *, leader="city_a_leader", kind="task", unit="county_a", days=7, text="请牵头拿出方案"
):
    return services.instruction_create(
        actor=org.user(leader),
        kind=kind,
        target_id=target.pk,
        text=text,
        assignee_unit=org.unit(unit),
        due_date=clock.today() + dt.timedelta(days=days),
        assignee_name="孙局长",
    )
