"""Demo: 满意度测评 — two finished quarterly rounds of the 门诊患者满意度 questionnaire run by the
first city's 督查员 (the README's `dhs_duchayuan`) over four hospitals of that city (hundreds of
responses each round, through the public write surveys.services.submit_response), the second
round a little better; one hospital clearly low on 候诊时间 both times. After the second round that
item is turned into a problem (surveys.conversion), which the hospital (the README's
`dhs_cg_rmyy_lianluoyuan`) is rectifying: measures set, a progress note as evidence."""

from __future__ import annotations

import datetime as dt
import random
import secrets

from core import clock
from org.models import Unit
from rectification import services as rcsvc
from rectification.models import Problem, ProblemCategory
from surveys import conversion, definition
from surveys.choices import QuestionnaireKind, QuestionnaireStatus, QuestionType
from surveys.models import Question, Questionnaire, QuestionnaireVersion, Section, Survey, SurveyTarget
from surveys.services import new_slug, submit_response

# (opens, closes, responses per hospital at full / small scale, how much better than round one)
ROUNDS = [(-118.2, -97.0, 80, 24, 0.0), (-58.2, -37.0, 85, 26, 0.2)]
BATCHES = 4  # each hospital's responses come in over four days of the round
LOW_ITEM = ("q2", "r2")  # 就诊环节 · 候诊时间
# the mean rating (1–5) of each hospital; the first is low on 候诊时间
HOSPITAL_MOODS = [4.5, 4.6, 4.8, 4.4]
LOW_WAIT = 2.6
COMMENTS = {
    "wait": [
        "候诊时间太长，排队两个小时",
        "挂号后候诊太久，希望增加医生",
        "排队时间长，叫号不准",
        "候诊区座位少，等待时间长",
    ],
    "good": ["医生态度很好，讲解耐心", "护士服务热情", "环境干净整洁", "检查结果出得很快"],
    "other": ["停车太难", "缴费窗口太少，排队缴费", "希望开通线上预约", "指示标识不清楚"],
}
MATRIX_ROWS = ["挂号", "候诊时间", "医生诊疗", "检查检验", "缴费取药"]


class SurveysMixin:
    def plan_surveys(self):
        """Schedule the satisfaction rounds on the demo's clock (self.at(t, fn, *args))."""
        city, cpy = self.cities[0]
        self.survey_rng = random.Random(self.seed + 13)  # its own: the rest of the demo is unchanged
        counties = self.counties[city.pk]
        hospitals = [self.institution_of[counties[0].pk]]  # 城关区人民医院: the README's hospital
        hospitals += [
            u for u in self.units.values() if u.parent_id == counties[0].pk and u.name.endswith("中医院")
        ]
        hospitals += [
            u for c in counties[1:2] for u in self.units.values() if u.parent_id == c.pk and "医院" in u.name
        ]
        self.survey_hospitals = [h.pk for h in hospitals[:4]]
        self.survey_organiser = f"{cpy}_duchayuan"
        self.at(ROUNDS[0][0] - 1, self._survey_questionnaire, city.pk)
        for n, (opens, closes, full, small, better) in enumerate(ROUNDS):
            self.at(opens, self._survey_open, n, city.pk, closes)
            per_batch = (small if self.small else full) // BATCHES
            for b in range(BATCHES):
                for h, pk in enumerate(self.survey_hospitals):
                    self.at(opens + 1.3 + b * 4 + h * 0.1, self._survey_answers, n, pk, per_batch, better)
            self.at(closes, self._survey_close, n)
        self.at(ROUNDS[1][1] + 1.2, self._survey_convert)
        self.at(ROUNDS[1][1] + 4.4, self._survey_rectify)
        self.at(ROUNDS[1][1] + 19.5, self._survey_progress)

    # --- the events ---------------------------------------------------------------------------

    def _survey_questionnaire(self, city_pk):
        self.survey_version = _outpatient_questionnaire(
            self.user(self.survey_organiser), self._survey_unit(city_pk)
        )
        self.survey_rounds = {}

    def _survey_unit(self, pk):
        return Unit.objects.get(pk=pk)

    def _survey_open(self, n, city_pk, closes):
        today = clock.today()
        quarter = (today.month - 1) // 3 + 1
        survey = _open_round(
            actor=self.user(self.survey_organiser),
            version=self.survey_version,
            org_unit=self._survey_unit(city_pk),
            title=f"{today.year}年第{quarter}季度门诊患者满意度测评",
            closes_on=self.day(closes),
            unit_ids=self.survey_hospitals,
        )
        self.survey_rounds[n] = survey.pk

    def _survey_answers(self, n, unit_pk, count, better):
        target = SurveyTarget.objects.select_related("survey__version").get(
            survey_id=self.survey_rounds[n], unit_id=unit_pk
        )
        position = self.survey_hospitals.index(unit_pk)
        for _ in range(count):
            answers = _sheet(
                self.survey_rng, HOSPITAL_MOODS[position] + better, low=position == 0, better=better
            )
            submit_response(
                target=target,
                answers=answers,
                client_key=secrets.token_urlsafe(16),
                seconds=self.survey_rng.randrange(70, 420),
            )
        self.counts["满意度答卷"] += count

    def _survey_close(self, n):
        Survey.objects.filter(pk=self.survey_rounds[n]).update(
            status="closed"
        )  # TEMPORARY: distribution.survey_close

    def _survey_convert(self):
        target = SurveyTarget.objects.select_related("survey__version", "unit", "org_unit").get(
            survey_id=self.survey_rounds[1], unit_id=self.survey_hospitals[0]
        )
        made = conversion.item_convert(
            actor=self.user(self.survey_organiser),
            target=target,
            question=LOW_ITEM[0],
            row=LOW_ITEM[1],
            category=ProblemCategory.objects.filter(is_active=True).first(),
            deadline=clock.today() + dt.timedelta(days=60),
            severity="serious",
            requirement="优化门诊预约和分时段就诊，增加高峰时段出诊医生，候诊时间下一轮测评前明显缩短。",
        )
        self.survey_problem = made.problem_id

    def _survey_rectify(self):
        problem = Problem.objects.get(pk=self.survey_problem)
        actor = self.user(self.clerk[problem.org_unit_id])
        rcsvc.problem_start(
            actor=actor,
            problem=problem,
            measures="1.全面推行分时段预约挂号；2.上午高峰增开3个普通门诊诊室；3.候诊区增设叫号屏和座椅；4.每周统计平均候诊时间并公示。",
            responsible_person="门诊部主任",
        )

    def _survey_progress(self):
        problem = Problem.objects.get(pk=self.survey_problem)
        actor = self.user(self.clerk[problem.org_unit_id])
        note = "整改进展：分时段预约已上线，预约就诊占比由31%提高到58%；上午高峰增开诊室3个；平均候诊时间由62分钟缩短到38分钟。"
        rcsvc.problem_start(
            actor=actor,
            problem=problem,
            measures=f"{problem.measures}\n{note}",
            responsible_person=problem.responsible_person,
        )
        rcsvc.problem_add_evidence(
            actor=actor,
            problem=problem,
            upload=self.pdf("候诊时间整改进展.pdf", "Outpatient waiting time: progress of the rectification"),
        )


# --- the answers -----------------------------------------------------------------------------------


def _rating(rng, mean: float, top: int = 5) -> int:
    return max(1, min(top, round(rng.gauss(mean, 0.8))))


def _sheet(rng, mood: float, *, low: bool, better: float) -> dict:
    wait = LOW_WAIT + better if low else mood - 0.1
    rows = {f"r{i + 1}": _rating(rng, wait if i == 1 else mood) for i in range(len(MATRIX_ROWS))}
    overall = _rating(rng, (sum(rows.values()) / len(rows) + mood) / 2)
    answers = {
        "q1": "x" if rng.random() < 0.04 else "edcba"[overall - 1],
        "q2": rows,
        "q3": _rating(rng, mood + 0.1),
        "q4": _rating(rng, mood),
        "q5": _rating(rng, mood * 2, 10),
    }
    wanted = [
        k
        for k, chance in (("a", 0.7 if low else 0.25), ("b", 0.15), ("c", 0.2), ("d", 0.1))
        if rng.random() < chance
    ]
    if wanted:
        answers["q6"] = wanted
    if rng.random() < 0.3:
        kind = "wait" if low and rng.random() < 0.7 else rng.choice(["good", "other"])
        answers["q7"] = rng.choice(COMMENTS[kind])
    return answers


# --- TEMPORARY, until surveys.catalog (questionnaire_from_template) and surveys.distribution
# (survey_create / survey_open / survey_close) are in the tree: the same shapes, made directly -----


def _outpatient_questionnaire(actor, unit):
    qn = Questionnaire.objects.create(
        title="门诊患者满意度调查",
        kind=QuestionnaireKind.OUTPATIENT,
        org_unit=unit,
        created_by=actor,
        intro="为持续改进门诊服务，请您花两分钟填写，问卷匿名。",
    )
    first = Section.objects.create(questionnaire=qn, position=0, title="就诊体验")
    second = Section.objects.create(questionnaire=qn, position=1, title="意见建议")
    scores = [
        ("a", "非常满意", 100),
        ("b", "满意", 80),
        ("c", "一般", 60),
        ("d", "不满意", 20),
        ("e", "非常不满意", 0),
        ("x", "说不清", None),
    ]
    spec = [
        (
            first,
            "q1",
            QuestionType.SINGLE,
            "您对本次门诊就诊的总体满意度",
            {"options": [{"key": k, "label": lb, "score": s} for k, lb, s in scores]},
        ),
        (
            first,
            "q2",
            QuestionType.MATRIX,
            "请对以下就诊环节评分",
            {"rows": [{"key": f"r{i + 1}", "label": r} for i, r in enumerate(MATRIX_ROWS)]},
        ),
        (first, "q3", QuestionType.RATING5, "医护人员的服务态度", {}),
        (first, "q4", QuestionType.RATING5, "门诊环境与卫生", {}),
        (first, "q5", QuestionType.RATING10, "您向亲友推荐本院的可能性", {}),
        (
            second,
            "q6",
            QuestionType.MULTIPLE,
            "您认为最需要改进的方面",
            {
                "options": [
                    {"key": "a", "label": "候诊时间"},
                    {"key": "b", "label": "服务态度"},
                    {"key": "c", "label": "缴费取药"},
                    {"key": "d", "label": "停车与指引"},
                ]
            },
        ),
        (second, "q7", QuestionType.LONG, "您的意见和建议", {}),
    ]
    for position, (section, key, qtype, text, extra) in enumerate(spec):
        Question.objects.create(
            questionnaire=qn,
            section=section,
            position=position,
            key=key,
            type=qtype,
            text=text,
            required=qtype not in (QuestionType.MULTIPLE, QuestionType.LONG),
            **extra,
        )
    version = QuestionnaireVersion.objects.create(
        questionnaire=qn,
        number=1,
        definition=definition.freeze(qn),
        published_at=clock.now(),
        published_by=actor,
    )
    qn.status, qn.changed_since_publish = QuestionnaireStatus.PUBLISHED, False
    qn.save(update_fields=["status", "changed_since_publish"])
    return version


def _open_round(*, actor, version, org_unit, title, closes_on, unit_ids):
    survey = Survey.objects.create(
        title=title,
        questionnaire_id=version.questionnaire_id,
        version=version,
        org_unit=org_unit,
        opens_on=clock.today(),
        closes_on=closes_on,
        status="open",
        created_by=actor,
    )
    for pk in unit_ids:
        SurveyTarget.objects.create(survey=survey, org_unit=org_unit, unit_id=pk, slug=new_slug())
    return survey
