"""A fixed small organisation built through the real services, with named users.

    org.units["county_a"], org.user("county_a_clerk")

Tree:  省卫健委 (province)
         ├─ 督查室 (dept_supervision)
         ├─ 甲市卫健委 (city_a) ─┬─ 甲一县卫健局 (county_a) ── 甲一县中心卫生院 (inst_a)
         │                     └─ 甲二县卫健局 (county_b)
         └─ 乙市卫健委 (city_b) ─── 乙三县卫健局 (county_c)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import clock
from org import services as org_services
from org.choices import UnitKind
from org.models import Role, Unit, User

PASSWORD = "Duban#2026test"

UNITS = [
    # key, code, name, short, kind, parent key
    ("province", "SF", "示范省卫生健康委员会", "省卫健委", UnitKind.PROVINCE, None),
    ("dept_supervision", "SF-DC", "示范省卫生健康委员会督查室", "督查室", UnitKind.DEPARTMENT, "province"),
    ("city_a", "SF-A", "甲市卫生健康委员会", "甲市卫健委", UnitKind.CITY, "province"),
    ("county_a", "SF-A-1", "甲一县卫生健康局", "甲一县卫健局", UnitKind.COUNTY, "city_a"),
    ("inst_a", "SF-A-1-H", "甲一县中心卫生院", "甲一县中心卫生院", UnitKind.INSTITUTION, "county_a"),
    ("county_b", "SF-A-2", "甲二县卫生健康局", "甲二县卫健局", UnitKind.COUNTY, "city_a"),
    ("city_b", "SF-B", "乙市卫生健康委员会", "乙市卫健委", UnitKind.CITY, "province"),
    ("county_c", "SF-B-3", "乙三县卫生健康局", "乙三县卫健局", UnitKind.COUNTY, "city_b"),
]

USERS = [
    # username, full name, unit key, [(role code, unit key, subtree)]
    ("sysadmin", "王系统", "province", [("sysadmin", "province", True)]),
    ("secadmin", "李安全", "province", [("security", "province", True)]),
    ("auditor", "赵审计", "province", [("auditor", "province", True)]),
    ("prov_leader", "陈主任", "province", [("leader", "province", True)]),
    ("prov_supervisor", "周督查", "dept_supervision", [("supervisor", "province", True)]),
    ("city_a_supervisor", "吴督查", "city_a", [("supervisor", "city_a", True)]),
    ("city_a_head", "郑局长", "city_a", [("unit_head", "city_a", True)]),
    ("county_a_head", "孙局长", "county_a", [("unit_head", "county_a", True)]),
    ("county_a_clerk", "钱联络", "county_a", [("clerk", "county_a", False)]),
    ("county_b_head", "冯局长", "county_b", [("unit_head", "county_b", True)]),
    ("county_b_clerk", "褚联络", "county_b", [("clerk", "county_b", False)]),
    ("county_c_clerk", "卫联络", "county_c", [("clerk", "county_c", False)]),
    ("inst_a_clerk", "蒋联络", "inst_a", [("clerk", "inst_a", False)]),
    ("city_a_leader", "韩书记", "city_a", [("leader", "city_a", True)]),
    ("county_a_leader", "杨书记", "county_a", [("leader", "county_a", True)]),
    ("county_b_leader", "朱书记", "county_b", [("leader", "county_b", True)]),
    ("no_role", "沈无权", "county_a", []),
]


@dataclass
class Org:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, name: str) -> User:
        user = User.objects.get(pk=self.users[name].pk)  # fresh object: no stale scope cache
        return user

    def unit(self, name: str) -> Unit:
        return Unit.objects.get(pk=self.units[name].pk)


def build_org() -> Org:
    org = Org()
    for key, code, name, short, kind, parent in UNITS:
        org.units[key] = org_services.unit_create(
            actor=None,
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            parent=org.units[parent] if parent else None,
            issuer_code="示卫督" if key == "province" else "",
        )
    roles = {r.code: r for r in Role.objects.all()}
    for username, full_name, unit_key, grants in USERS:
        user = org_services.user_create(
            actor=None,
            username=username,
            full_name=full_name,
            unit=org.units[unit_key],
            password=PASSWORD,
            must_change_password=False,
            phone="13800138000",
        )
        for role_code, grant_unit, subtree in grants:
            org_services.role_grant(
                actor=None,
                user=user,
                role=roles[role_code],
                unit=org.units[grant_unit],
                include_descendants=subtree,
            )
        org.users[username] = user
    return org


def make_task(
    org: Org,
    *,
    title="家庭医生签约服务扩面",
    lead="county_a",
    creator="prov_supervisor",
    org_unit="province",
    level="key",
    days=60,
    start_offset=0,
    assign=True,
    cadence="weekly",
    co_units=(),
):
    """An assigned task from the province to one unit, through the services."""
    from tasks import services
    from tasks.models import TaskCategory

    start = clock.today() + dt.timedelta(days=start_offset)
    task = services.task_create(
        actor=org.user(creator),
        org_unit=org.units[org_unit],
        title=title,
        category=TaskCategory.objects.get(name="公共卫生"),
        level=level,
        lead_unit=org.units[lead],
        start_date=start,
        due_date=start + dt.timedelta(days=days),
        cadence=cadence,
        co_units=[org.units[c] for c in co_units],
    )
    if assign:
        services.task_assign(actor=org.user(creator), task=task)
    task.refresh_from_db()
    return task
