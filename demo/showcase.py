"""Work guaranteed for the accounts the README names, whatever the random plan drew.

A new user signs in as one of the README's accounts (the province 督查员, 基层卫生处, 东湖市, 城关区 and
its 人民医院) and must find something in every panel the 工作台 shows their role: to sign (待签收),
a report due (待填报), overdue (逾期, 我的红色事项), a completion to verify (待审核办结), an extension
to decide (待审批延期) and reports to approve (待审核报告). The tasks below are planned like every
other demo task — a fate, times relative to the load day — so they are right on any day the demo
is loaded: an unsigned task was assigned in the last days, a stale one last reported more than a
cadence ago, a red one is past its due date, and so on.
"""

from __future__ import annotations

from demo import data
from demo.plan import AWAITING, GREEN, RED, STALE, UNSIGNED, Node, place_name

THEME = {t["key"]: t for t in data.THEMES}

# (theme, fate, level, title) of the province's tasks led by 基层卫生处
PROVINCE_TO_DEPT = [
    ("jkda", UNSIGNED, "general", "基本公共卫生服务电子健康档案质量提升"),
    ("ygt", STALE, "major", "紧密型县域医共体牵头医院与成员单位人财物统一管理"),
    ("cwss", RED, "key", "关于进一步加强村卫生室标准化建设和乡村医生队伍稳定工作的督办事项"),
    ("jtys", AWAITING, "key", "家庭医生签约服务履约质量专项抽查"),
]
# … and led by 东湖市 (越级 of the usual department path)
PROVINCE_TO_CITY = [
    ("jtys", UNSIGNED, "key", "{city}家庭医生签约服务扩面"),
    ("cwss", STALE, "key", "{city}村卫生室标准化建设督导"),
    ("ygt", RED, "key", "{city}县域医共体建设年度评估"),
]
# the city's tasks led by 城关区
CITY_TO_COUNTY = [
    ("jkda", UNSIGNED, "{county}居民电子健康档案“死档”清理"),
    ("jtys", STALE, "{county}重点人群家庭医生签约"),
    ("cwss", RED, "{county}村卫生室改扩建和设备配置"),
    ("ygt", AWAITING, "{county}医共体成员单位绩效评价"),
]
# 城关区 breaks two tasks down to its 人民医院
HOSPITAL = [
    (STALE, "{hospital}胸痛、卒中中心建设进展"),
    (RED, "{hospital}关于落实城关区紧密型医共体建设任务中牵头医院帮扶乡镇卫生院和派驻人员的整改事项"),
    (AWAITING, "{hospital}医疗服务能力评价自查"),
]


class ShowcaseMixin:
    def plan_showcase(self):
        dept = self.user("sf_jc_lianluoyuan").unit
        city = self.user("dhs_lianluoyuan").unit
        county = self.user("dhs_cg_lianluoyuan").unit
        hospital = self.user("dhs_cg_rmyy_lianluoyuan").unit
        names = {"city": place_name(city), "county": place_name(county), "hospital": place_name(hospital)}
        for lead, plans in ((dept, PROVINCE_TO_DEPT), (city, PROVINCE_TO_CITY)):
            for key, fate, level, title in plans:
                node = self._node(key, fate, title.format(**names), "sf_duchayuan", self.province, lead)
                node.level = level
                if fate == RED:
                    node.responsible = ("sf_lingdao",)  # the leader's 我的红色事项
                self._plan(node)
        for key, fate, title in CITY_TO_COUNTY:
            node = self._node(key, fate, title.format(**names), "dhs_duchayuan", city, county)
            if fate == RED:  # the city's and the county's leaders are its 责任领导: their 我的红色事项
                node.responsible = tuple(self.leader[u.pk] for u in (city, county) if u.pk in self.leader)
            self._plan(node)
        # one long-running breakdown (a report due, a red item asking for more time, a completion
        # asked) and one broken down in the last days, not yet signed by the hospital
        node = self._node("ygt", GREEN, f"{names['county']}县域医共体建设推进", "dhs_duchayuan", city, county)
        node.start_day, node.due = -90.0, self.day(60)
        children = [(hospital, title.format(**names), fate) for fate, title in HOSPITAL]
        self._plan(node, decompose_to=[hospital], by_lead=True, children=children)
        node = self._node(
            "jkda", GREEN, f"{names['county']}健康档案向居民开放", "dhs_duchayuan", city, county
        )
        node.start_day, node.due = -5.0, self.day(45)
        children = [(hospital, f"{names['hospital']}电子健康档案调阅服务", UNSIGNED)]
        self._plan(node, decompose_to=[hospital], by_lead=True, children=children)

    def _node(self, key: str, fate: str, title: str, creator: str, org_unit, lead) -> Node:
        theme = THEME[key]
        start, due_off = self.top_window(fate)
        return Node(
            title=title,
            theme=theme,
            level="key" if theme["level"] == "major" else theme["level"],
            creator=creator,
            org_unit=org_unit,
            lead_unit=lead,
            fate=fate,
            start_day=start,
            due=self.day(due_off),
            cadence="monthly" if fate == STALE else "weekly",
            noise=self.rng.randint(0, 10),
            showcase=True,
        )

    def _plan(self, node: Node, **kwargs):
        """Plan the node like any other; a red assignment (its own, or a sub-task's) asks for more
        time in the last days and nobody has decided yet (待审批延期)."""
        self.plan_node(node, depth=0, **kwargs)
        for n in (node, *node.children):
            if n.fate == RED:
                self.at(-self.rng.uniform(1.5, 3.5), self.do_extension, n.lead, False)
