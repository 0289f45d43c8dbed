"""The demo's supervision and rectification (issue 3): campaigns, 双随机 draws, visits, findings
turned into problems, 交办函 issued, rectification with evidence, verification, 退回, 回头看
with a regression, the escalation ladder and a 督查通报 — all through the services, on the
builder's time-ordered event queue, while core.clock moves.

Each problem gets a *fate* when the plan is made (closed, closed after a 退回, waiting for
verification, in progress, not started; rechecked and passed or failed), and its events are
timed from its found day and deadline, so today's ledger shows every state and every light.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.test.utils import override_settings

from core import clock
from documents import builders as doc_builders
from documents import services as doc_services
from documents.models import IssuedDocument
from org.choices import UnitKind
from org.models import Unit, User
from rectification import services as rect_services
from rectification.choices import ProblemStatus
from rectification.models import Problem, ProblemCategory, ReCheck
from supervision import services as sup_services
from supervision.choices import ItemResult
from supervision.models import Campaign, InspectionRecord

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# theme, kind, checklist, target kinds, [(finding, category, requirement, severity)], key sites
CAMPAIGNS = [
    (
        "医疗机构依法执业专项督查",
        "open",
        ["执业许可与人员资质", "医疗质量安全核心制度", "病历书写与管理", "药品和耗材管理"],
        "hospital",
        [
            ("部分医师超执业范围开展诊疗活动", "医疗质量", "清理超范围执业人员，规范执业注册", "serious"),
            (
                "运行病历未按时完成，抽查12份有4份超时",
                "医疗质量",
                "落实病历书写时限要求，开展病历质控",
                "general",
            ),
            ("危急值报告登记不完整", "制度落实", "完善危急值报告制度并开展培训", "general"),
            ("高值耗材出入库台账与实际不符", "制度落实", "全面盘点高值耗材，建立可追溯台账", "serious"),
            ("院感防控培训记录缺失", "公共卫生", "补充开展院感防控全员培训", "general"),
        ],
        ["发热门诊", "急诊科", "手术室", "药房"],
    ),
    (
        "基层医疗卫生机构服务能力暗访",
        "covert",
        ["门诊服务与候诊秩序", "基本药物配备", "家庭医生签约服务", "健康档案管理"],
        "primary",
        [
            ("门诊未按公示时间开诊，群众候诊时间长", "服务群众", "严格执行开诊时间，实行弹性排班", "general"),
            (
                "基本药物品种不足，部分常用药短缺",
                "服务群众",
                "按目录配齐基本药物，建立短缺药品报告机制",
                "serious",
            ),
            (
                "家庭医生签约后未按约定提供随访服务",
                "服务群众",
                "落实签约履约服务，开展随访质量抽查",
                "general",
            ),
            (
                "居民电子健康档案更新不及时，存在“死档”",
                "制度落实",
                "开展健康档案清理，完善动态更新机制",
                "general",
            ),
            ("值班人员脱岗，夜间无人接诊", "工作作风", "严肃值班纪律，落实24小时值班制度", "severe"),
        ],
        ["门诊大厅", "药房"],
    ),
    (
        "疫苗接种门诊规范化管理随机抽查",
        "random",
        ["疫苗储存与冷链", "接种人员资质", "接种信息登记", "异常反应处置"],
        "primary",
        [
            ("冷链温度记录存在缺项", "公共卫生", "落实冷链温度每日两次监测记录", "serious"),
            (
                "接种信息未及时录入免疫规划信息系统",
                "公共卫生",
                "当日接种信息当日录入，开展数据核查",
                "general",
            ),
            ("留观区未配备急救药品", "安全生产", "按规定配备急救药品和设备", "serious"),
            ("部分接种人员培训合格证过期", "制度落实", "组织接种人员复训取证", "general"),
        ],
        ["疫苗冷库", "接种门诊"],
    ),
    (
        "医药领域腐败问题集中整治督查",
        "open",
        ["采购与招投标管理", "收受回扣和红包问题", "医保基金使用", "廉政风险防控"],
        "hospital",
        [
            ("设备采购论证程序不规范", "党风廉政", "完善采购论证和集体决策程序", "serious"),
            ("医保结算存在串换项目收费", "党风廉政", "全面自查医保结算，退回违规费用", "severe"),
            ("廉政风险点排查不全面", "党风廉政", "开展廉政风险点再排查，建立防控台账", "general"),
            ("医务人员收受“红包”问题举报未按时办结", "工作作风", "限期办结举报件，公开处理结果", "serious"),
        ],
        ["药剂科", "设备科"],
    ),
    (
        "安全生产和消防安全专项督查",
        "open",
        ["消防设施", "危化品管理", "特种设备", "应急预案与演练"],
        "hospital",
        [
            ("部分消防通道堆放杂物", "安全生产", "立即清理消防通道，落实每日巡查", "serious"),
            ("危化品库房双人双锁制度未落实", "安全生产", "落实危化品双人双锁管理", "serious"),
            ("电梯年检合格证过期", "安全生产", "立即停用并完成年检", "severe"),
            ("应急演练记录不完整", "制度落实", "每半年开展一次应急演练并完整记录", "general"),
        ],
        ["配电房", "危化品库", "住院部"],
    ),
    (
        "家庭医生签约服务交叉互评",
        "cross",
        ["签约服务协议", "履约服务记录", "居民知晓率"],
        "county",
        [
            (
                "签约服务协议内容不完整，未明确服务项目",
                "服务群众",
                "规范签约协议文本，逐户补充服务项目",
                "general",
            ),
            ("重点人群履约率低于60%", "服务群众", "制定履约提升计划，按月通报", "serious"),
            ("居民对签约医生知晓率偏低", "服务群众", "开展签约服务宣传，公示签约医生联系方式", "general"),
        ],
        [],
    ),
    (
        "病媒生物防制暗访",
        "covert",
        ["环境卫生", "防鼠防蝇设施", "消杀记录"],
        "primary",
        [
            ("食堂防蝇设施缺失", "公共卫生", "配齐防蝇设施，落实每日检查", "general"),
            ("医疗废物暂存点防鼠措施不到位", "公共卫生", "完善防鼠设施，规范医疗废物暂存", "serious"),
            ("消杀记录不连续", "制度落实", "落实消杀登记制度", "general"),
        ],
        ["医疗废物暂存点"],
    ),
]

FINDINGS_PER_RECORD = {0: 15, 1: 35, 2: 30, 3: 20}

CLOSED, RETURNED_CLOSED, AWAITING, IN_PROGRESS, PENDING = (
    "closed",
    "returned_closed",
    "awaiting",
    "in_progress",
    "pending",
)
PAST_DUE_FATES = {CLOSED: 68, RETURNED_CLOSED: 10, AWAITING: 6, IN_PROGRESS: 11, PENDING: 5}
OPEN_FATES = {CLOSED: 22, AWAITING: 15, IN_PROGRESS: 43, PENDING: 20}


@dataclass
class PlannedProblem:
    visit: Visit
    text: str
    category: str
    requirement: str
    severity: str
    deadline: dt.date
    fate: str
    recheck: str = ""  # "" | "pass" | "fail"
    finding: object = None
    problem: object = None


@dataclass
class Visit:
    campaign: PlannedCampaign
    index: int
    day: float
    key_site: str
    findings: list[PlannedProblem] = field(default_factory=list)
    target: Unit | None = None
    record: object = None


@dataclass
class PlannedCampaign:
    index: int
    theme: str
    kind: str
    checklist: list[str]
    target_kind: str
    findings: list[tuple]
    key_sites: list[str]
    org_unit: Unit
    creator: str
    start_day: float
    pool: list[Unit]
    inspectors: list[str]
    visits: list[Visit] = field(default_factory=list)
    campaign: object = None


class SupervisionMixin:
    """Mixed into demo.builder.DemoBuilder (uses its rng, clock helpers, accounts and queue)."""

    def _pool(self, scope: Unit, kind: str) -> list[Unit]:
        units = Unit.objects.subtree_of(scope).exclude(pk=scope.pk).order_by("path")
        if kind == "county":
            return list(units.filter(kind=UnitKind.COUNTY))
        if kind == "hospital":
            return list(units.filter(kind=UnitKind.INSTITUTION, institution_type="hospital"))
        return list(
            units.filter(kind=UnitKind.INSTITUTION, institution_type__in=["township", "community", "cdc"])
        )

    def plan_supervision(self):
        r = self.rng
        n_campaigns = 3 if self.small else len(CAMPAIGNS)
        per_campaign = 4 if self.small else 17
        dept_heads = [f"sf_{k}_fuzeren" for k in ("yz", "jk", "jc", "gh", "fg", "fy", "bgs", "dw")]
        city_sups = [f"{cpy}_duchayuan" for _, cpy in self.cities]
        self.sup_campaigns = []
        for i in range(n_campaigns):
            theme, kind, checklist, target_kind, findings, key_sites = CAMPAIGNS[i]
            city_level = not self.small and i >= 5
            if city_level:
                city, cpy = self.cities[i - 5]
                org_unit, creator = city, f"{cpy}_duchayuan"
                county_heads = [self.head[c.pk] for c in self.counties[city.pk]]
                inspectors = [f"{cpy}_duchayuan", f"{cpy}_fuzeren", *county_heads]
                per = min(per_campaign, 7)
            else:
                org_unit, creator = self.province, "sf_duchayuan"
                inspectors = [u for u in dept_heads + city_sups if u in self.users]
                per = per_campaign
            pool = self._pool(org_unit, target_kind)
            start = -118 + i * (95 / max(1, n_campaigns - 1)) if n_campaigns > 1 else -60
            pc = PlannedCampaign(
                i,
                theme,
                kind,
                checklist,
                target_kind,
                findings,
                key_sites,
                org_unit,
                creator,
                start,
                pool,
                inspectors,
            )
            self.sup_campaigns.append(pc)
            self.at(start, self.do_campaign_create, pc, min(per, len(pool)))
            for k in range(min(per, len(pool))):
                day = start + 1.2 + k * 0.55
                site = r.choice(key_sites) if key_sites and r.random() < 0.45 else ""
                visit = Visit(pc, k, day, site)
                pc.visits.append(visit)
                n = r.choices(list(FINDINGS_PER_RECORD), weights=list(FINDINGS_PER_RECORD.values()))[0]
                for text, category, requirement, severity in r.sample(findings, min(n, len(findings))):
                    found = self.day(day)
                    deadline = found + dt.timedelta(days=r.randint(15, 45))
                    due_off = (deadline - self.today).days
                    fates = PAST_DUE_FATES if due_off < -3 else OPEN_FATES
                    fate = r.choices(list(fates), weights=list(fates.values()))[0]
                    visit.findings.append(
                        PlannedProblem(visit, text, category, requirement, severity, deadline, fate)
                    )
                self.at(day, self.do_visit, visit)
            letters_day = start + 1.2 + per * 0.55 + 1.5
            self.at(letters_day, self.do_letters, pc)
            if i < n_campaigns - 2:
                self.at(letters_day + 2, self.do_campaign_close, pc)
            for visit in pc.visits:
                for pp in visit.findings:
                    self.plan_problem(pp, letters_day)
        # escalation ladder: the daily scan, every few days
        for day in range(-110, 0, 4):
            self.at(day + 0.2, self.do_escalation_scan)
        if not self.small:
            self.at(-21.5, self.do_bulletin)

    def plan_problem(self, pp: PlannedProblem, letters_day: float):
        r = self.rng
        found = pp.visit.day + 0.3
        self.at(found, self.do_problem, pp)
        due = (pp.deadline - self.today).days
        start = max(found + 0.2, letters_day + r.uniform(0.5, 4))
        if pp.fate == PENDING or start > -0.5:
            return
        self.at(start, self.do_problem_start, pp)
        if pp.fate == IN_PROGRESS:
            return
        if pp.fate == AWAITING:
            submit = max(start + 1, r.uniform(-8, -1))
        else:
            submit = min(start + r.uniform(5, 20), due - 0.5, -3.0)
        if submit <= start:
            submit = start + 0.3
        if submit > -0.3:
            return
        self.at(submit - 0.1, self.do_problem_evidence, pp)
        self.at(submit, self.do_problem_submit, pp)
        if pp.fate == AWAITING:
            return
        verify = min(submit + r.uniform(0.5, 3), -0.2)
        if pp.fate == RETURNED_CLOSED and verify + 3 < -0.2:
            self.at(verify, self.do_problem_verify, pp, False)
            self.at(verify + 1, self.do_problem_submit, pp)
            verify = verify + r.uniform(1.5, 2.5)
        self.at(verify, self.do_problem_verify, pp, True)
        if verify < -15 and r.random() < 0.22:
            pp.recheck = "fail" if r.random() < 0.35 else "pass"
            self.at(r.uniform(-12, -6), self.do_recheck, pp)

    # --- events --------------------------------------------------------------------------------

    def do_campaign_create(self, pc: PlannedCampaign, count: int):
        actor = self.user(pc.creator)
        today = clock.today()
        pc.campaign = sup_services.campaign_create(
            actor=actor,
            org_unit=pc.org_unit,
            theme=f"{today.year}年{pc.theme}" if pc.org_unit == self.province else f"全市{pc.theme}",
            kind=pc.kind,
            start_date=today,
            end_date=today + dt.timedelta(days=int(count * 0.55) + 3),
            description=f"聚焦{'、'.join(pc.checklist)}，采取{dict(KINDS)[pc.kind]}方式，抽取检查对象和检查人员。",
            checklist=pc.checklist,
            target_pool=pc.pool,
            inspector_pool=[self.user(u) for u in pc.inspectors],
        )
        draw = sup_services.campaign_draw(
            actor=actor,
            campaign=pc.campaign,
            target_count=count,
            inspectors_per_target=2,
            seed=f"demo-{self.seed}-{pc.index}",
        )
        targets = [Unit.objects.get(pk=row["target"]) for row in draw.result]
        self.rng.shuffle(targets)
        inspectors = {row["target"]: row["inspectors"] for row in draw.result}
        for visit, unit in zip(pc.visits, targets, strict=False):
            visit.target = unit
            visit.inspector_ids = inspectors[unit.pk]
        self.counts["campaigns"] += 1

    def do_visit(self, visit: Visit):
        pc = visit.campaign
        if visit.target is None:
            return
        items = list(pc.campaign.checklist.all())
        problem_items = {}
        findings = []
        for j, pp in enumerate(visit.findings):
            item = items[j % len(items)]
            problem_items[item.pk] = pp.text
            findings.append({"description": pp.text, "severity": pp.severity, "item": item.pk})
        checks = {
            item.pk: (ItemResult.PROBLEM, problem_items[item.pk])
            if item.pk in problem_items
            else (ItemResult.OK, "")
            for item in items
        }

        visit.record = sup_services.record_create(
            actor=self.user(pc.creator),
            campaign=pc.campaign,
            target=visit.target,
            inspected_on=clock.today(),
            site=f"{visit.target.display_name}{visit.key_site}"
            if visit.key_site
            else visit.target.display_name,
            is_key_site=bool(visit.key_site),
            summary=f"检查组{len(visit.inspector_ids)}人到{visit.target.display_name}开展{pc.theme.removesuffix('专项督查')}检查，"
            f"发现问题{len(findings)}个。"
            if findings
            else "检查组按清单逐项检查，未发现问题。",
            inspectors=list(User.objects.filter(pk__in=visit.inspector_ids)),
            checks=checks,
            findings=findings,
        )
        for pp, finding in zip(visit.findings, visit.record.findings.order_by("id"), strict=True):
            pp.finding = finding
        self.counts["records"] += 1

    def do_problem(self, pp: PlannedProblem):
        if pp.finding is None:
            return
        categories = getattr(self, "_problem_categories", None)
        if categories is None:
            categories = self._problem_categories = {c.name: c for c in ProblemCategory.objects.all()}
        pp.problem = rect_services.problem_from_finding(
            actor=self.user(pp.visit.campaign.creator),
            finding=pp.finding,
            category=categories.get(pp.category) or next(iter(categories.values())),
            deadline=pp.deadline,
            requirement=pp.requirement,
        )
        self.counts["problems"] += 1

    def rectifier(self, unit: Unit):
        """The account that rectifies for a unit: its own clerk, else the head of its county."""
        if unit.pk in self.clerk:
            return self.user(self.clerk[unit.pk])
        node = unit
        while node is not None and node.pk not in self.head:
            node = node.parent
        return self.user(self.head[node.pk])

    def _fresh(self, pp: PlannedProblem):
        pp.problem.refresh_from_db()
        return pp.problem

    def do_problem_start(self, pp: PlannedProblem):
        if pp.problem is None:
            return
        p = self._fresh(pp)
        rect_services.problem_start(
            actor=self.rectifier(p.org_unit),
            problem=p,
            measures=f"{pp.requirement}；明确专人负责，每周调度进展。",
            responsible_person=self.rectifier(p.org_unit).full_name,
        )

    def do_problem_evidence(self, pp: PlannedProblem):
        if pp.problem is None:
            return
        p = self._fresh(pp)
        if p.evidence.exists():
            return
        rect_services.problem_add_evidence(
            actor=self.rectifier(p.org_unit), problem=p, upload=self.pdf("整改佐证材料.pdf", pp.text)
        )

    def do_problem_submit(self, pp: PlannedProblem):
        if pp.problem is None:
            return
        p = self._fresh(pp)
        if p.status != "in_progress":
            return
        rect_services.problem_submit(
            actor=self.rectifier(p.org_unit),
            problem=p,
            note=f"已按要求完成整改：{pp.requirement}。整改前后对比照片和制度文件已上传。",
        )

    def do_problem_verify(self, pp: PlannedProblem, approve: bool):
        if pp.problem is None:
            return
        p = self._fresh(pp)
        if p.status != "rectified":
            return
        rect_services.problem_verify(
            actor=self.user(pp.visit.campaign.creator),
            problem=p,
            approve=approve,
            note="经现场复核，整改到位，同意销号。"
            if approve
            else "佐证材料不足以证明整改到位，请补充整改前后对比材料。",
        )

    def do_recheck(self, pp: PlannedProblem):
        if pp.problem is None:
            return
        p = self._fresh(pp)
        if p.status != "closed":
            return
        passed = pp.recheck == "pass"
        rect_services.recheck_record(
            actor=self.user(pp.visit.campaign.creator),
            problem=p,
            passed=passed,
            note="回头看：整改成效巩固，未发现反弹。" if passed else "回头看：问题出现反弹，要求重新整改。",
            sampled=True,
            batch=f"回头看{clock.today():%Y%m}",
        )
        self.counts["rechecks"] += 1

    def do_letters(self, pc: PlannedCampaign):
        """交办函 to each checked unit with problems (most issued at once, a few left as drafts)."""
        actor = self.user(pc.creator)
        issuer = pc.org_unit
        by_unit: dict[int, list] = {}
        for visit in pc.visits:
            for pp in visit.findings:
                if pp.problem is not None:
                    by_unit.setdefault(pp.problem.org_unit_id, []).append(pp.problem.pk)
        for unit_id, ids in sorted(by_unit.items()):
            unit = Unit.objects.get(pk=unit_id)
            problems = Problem.objects.filter(pk__in=ids)
            draft = doc_builders.assignment_letter(
                issuer=issuer, recipient=unit, problems=problems, campaign=pc.campaign
            )
            doc = doc_services.document_draft(
                actor=actor,
                kind="letter",
                org_unit=issuer,
                draft=draft,
                recipient=unit,
                campaign=pc.campaign,
                problems=list(problems),
            )
            leader = self.user(self.leader[issuer.pk]) if issuer.pk in self.leader else None
            if self.rng.random() < 0.88 and leader is not None:
                # every fifth letter is returned once with comments, then signed
                comment = "请核实问题描述和整改时限后再报。" if self.counts["letters"] % 5 == 2 else ""
                self.sign_off(doc, actor, leader, comment=comment)
                self.counts["letters"] += 1
            elif leader is not None and issuer.pk not in self.__dict__.setdefault("_pending_signoff", set()):
                self.sign_off(doc, actor, leader, sign=False)  # left 待签发 on the leader's desk
                self._pending_signoff.add(issuer.pk)

    def do_campaign_close(self, pc: PlannedCampaign):
        sup_services.campaign_close(actor=self.user(pc.creator), campaign=pc.campaign)

    def do_escalation_scan(self):
        self.counts["escalations"] += rect_services.escalation_scan()

    def do_bulletin(self):
        """One 督查通报 of the province, issued three weeks ago."""
        actor = self.user("sf_duchayuan")
        today = clock.today()
        start = (today.replace(day=1) - dt.timedelta(days=60)).replace(day=1)
        draft = doc_builders.bulletin(
            issuer=self.province,
            problems=Problem.objects.visible_to(actor, "rectification.view_problem"),
            campaigns=Campaign.objects.visible_to(actor, "supervision.view_campaign"),
            period_start=start,
            period_end=today,
        )
        doc = doc_services.document_draft(actor=actor, kind="bulletin", org_unit=self.province, draft=draft)
        self.sign_off(doc, actor, self.user("sf_lingdao"), comment="请补充各市整改率的对比分析后再报。")
        self.counts["bulletins"] += 1

    def sign_off(self, doc, drafter, leader, comment: str = "", sign: bool = True):
        """送签 by the drafter to the leader; the leader returns it once with `comment` (the
        drafter resubmits) and signs it unless `sign` is False (left 待签发)."""
        doc_services.document_submit(actor=drafter, document=doc, signer=leader)
        if comment:
            doc_services.document_return(actor=leader, document=doc, comment=comment)
            doc_services.document_submit(actor=drafter, document=doc, signer=leader)
        if sign:
            with override_settings(PASSWORD_HASHERS=FAST_HASHER):
                doc_services.document_issue(actor=leader, document=doc, password=self.password)


KINDS = [("open", "明查"), ("covert", "暗访"), ("random", "随机抽查"), ("cross", "交叉互评")]


def _supervision_summary() -> dict:
    from django.db.models import Count

    statuses = dict(Problem.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "campaigns": Campaign.objects.count(),
        "records": InspectionRecord.objects.count(),
        "key_sites": InspectionRecord.objects.filter(is_key_site=True).count(),
        "problems": Problem.objects.count(),
        "problem_statuses": {ProblemStatus(k).label: v for k, v in sorted(statuses.items())},
        "overdue": Problem.objects.exclude(status=ProblemStatus.CLOSED)
        .filter(deadline__lt=clock.today())
        .count(),
        "rechecks": ReCheck.objects.count(),
        "regressions": Problem.objects.filter(regressions__gt=0).count(),
        "documents_issued": IssuedDocument.objects.filter(status=IssuedDocument.Status.ISSUED).count(),
        "documents_draft": IssuedDocument.objects.filter(status=IssuedDocument.Status.DRAFT).count(),
    }


SupervisionMixin.supervision_summary = staticmethod(_supervision_summary)
