"""Demo: 满意度测评 — two finished quarterly rounds (and this quarter's, open, with its first
answers) of the 门诊患者满意度 questionnaire run by the
first city's 督查员 (the README's `dhs_duchayuan`) over four hospitals of that city (hundreds of
responses each round, through the public write surveys.services.submit_response), the second
round a little better; one hospital clearly low on the waiting time (从挂号到就诊的等候) both times. After the second round that
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
from surveys.builder import questionnaire_publish
from surveys.catalog import questionnaire_from_template
from surveys.choices import QuestionnaireKind, QuestionType, SurveyMode
from surveys.distribution import survey_close, survey_create, survey_open
from surveys.models import Survey, SurveyTarget
from surveys.services import submit_response

# (opens, closes, responses per hospital at full / small scale, how much better than round one)
# the third is this quarter's, open now (closes in the future: its public link can be tried)
ROUNDS = [(-118.2, -97.0, 80, 24, 0.0), (-58.2, -37.0, 85, 26, 0.2), (-6.2, 24.0, 40, 12, 0.35)]
BATCHES = 4  # each hospital's responses come in over four days of the round
THRESHOLD = 80
# the mean rating (1–5) of each hospital; the first is low on the waiting time (LOW_WAIT)
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
                    at = opens + 1.3 + b * 4 + h * 0.1
                    if at < 0:  # never ahead of now
                        self.at(at, self._survey_answers, n, pk, per_batch, better)
            if closes < 0:
                self.at(closes, self._survey_close, n)
        self.at(ROUNDS[1][1] + 1.2, self._survey_convert)
        self.at(ROUNDS[1][1] + 4.4, self._survey_rectify)
        self.at(ROUNDS[1][1] + 19.5, self._survey_progress)

    # --- the events ---------------------------------------------------------------------------

    def _survey_questionnaire(self, city_pk):
        actor = self.user(self.survey_organiser)
        qn = questionnaire_from_template(
            actor=actor, org_unit=self._survey_unit(city_pk), kind=QuestionnaireKind.OUTPATIENT
        )
        self.survey_version = questionnaire_publish(actor=actor, questionnaire=qn)
        self.survey_low = _low_item(self.survey_version.definition)
        self.survey_rounds = {}

    def _survey_unit(self, pk):
        return Unit.objects.get(pk=pk)

    def _survey_open(self, n, city_pk, closes):
        today = clock.today()
        actor = self.user(self.survey_organiser)
        survey = survey_create(
            actor=actor,
            questionnaire=self.survey_version.questionnaire,
            title=f"{today.year}年{today.month}月门诊患者满意度测评",
            mode=SurveyMode.OPEN,
            opens_on=today,
            closes_on=self.day(closes),
            threshold=THRESHOLD,
            units=list(Unit.objects.filter(pk__in=self.survey_hospitals).order_by("path")),
            org_unit=self._survey_unit(city_pk),
        )
        self.survey_rounds[n] = survey_open(actor=actor, survey=survey).pk

    def _survey_answers(self, n, unit_pk, count, better):
        target = SurveyTarget.objects.select_related("survey__version").get(
            survey_id=self.survey_rounds[n], unit_id=unit_pk
        )
        position = self.survey_hospitals.index(unit_pk)
        for _ in range(count):
            answers = _sheet(
                self.survey_rng,
                target.survey.version.definition,
                HOSPITAL_MOODS[position] + better,
                low=self.survey_low if position == 0 else "",
                better=better,
            )
            submit_response(
                target=target,
                answers=answers,
                client_key=secrets.token_urlsafe(16),
                seconds=self.survey_rng.randrange(70, 420),
            )
        self.counts["满意度答卷"] += count

    def _survey_close(self, n):
        survey = Survey.objects.get(pk=self.survey_rounds[n])
        survey_close(actor=self.user(self.survey_organiser), survey=survey)

    def _survey_convert(self):
        target = SurveyTarget.objects.select_related("survey__version", "unit", "org_unit").get(
            survey_id=self.survey_rounds[1], unit_id=self.survey_hospitals[0]
        )
        made = conversion.item_convert(
            actor=self.user(self.survey_organiser),
            target=target,
            question=self.survey_low,
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


def _low_item(defn: dict) -> str:
    """The template's question on the waiting time (从挂号到就诊 … 等候): the low item."""
    return next(q["key"] for q in definition.questions(defn) if "等候" in q["text"] and q["scored"])


def _rating(rng, mean: float, top: int = 5) -> int:
    return max(1, min(top, round(rng.gauss(mean, 0.8))))


def _closest(rng, options: list[dict], mean: float) -> str:
    """A scored option near a rating drawn around `mean` (1–5 → 0–100); now and then an unscored
    one (不清楚)."""
    unscored = [o["key"] for o in options if o.get("score") is None]
    if unscored and rng.random() < 0.05:
        return rng.choice(unscored)
    wanted = (_rating(rng, mean) - 1) * 25
    scored = [o for o in options if o.get("score") is not None]
    return min(scored, key=lambda o: abs(o["score"] - wanted))["key"]


def _sheet(rng, defn: dict, mood: float, *, low: str, better: float) -> dict:
    """One respondent's sheet of the round's version: every shown question answered around the
    hospital's mood (the low item around LOW_WAIT), a comment now and then."""
    answers: dict = {}
    for q in definition.questions(defn):
        if not definition.visible(q, answers) or (not q["required"] and rng.random() < 0.15):
            continue
        mean = LOW_WAIT + better if q["key"] == low else mood
        qtype = q["type"]
        if qtype == QuestionType.SINGLE:
            answers[q["key"]] = _closest(rng, q["options"], mean)
        elif qtype == QuestionType.MULTIPLE:
            picked = [o["key"] for o in q["options"] if rng.random() < 0.2]
            if picked or q["required"]:
                answers[q["key"]] = picked or [q["options"][0]["key"]]
        elif qtype == QuestionType.MATRIX:
            answers[q["key"]] = {r["key"]: _rating(rng, mean) for r in q["rows"]}
        elif qtype in (QuestionType.RATING5, QuestionType.RATING10):
            top = 10 if qtype == QuestionType.RATING10 else 5
            answers[q["key"]] = _rating(rng, mean * top / 5, top)
        elif rng.random() < 0.3:  # a comment
            kind = "wait" if low and rng.random() < 0.7 else rng.choice(["good", "other"])
            answers[q["key"]] = rng.choice(COMMENTS[kind])
    return answers
