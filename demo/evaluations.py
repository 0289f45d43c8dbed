"""Demo: one 人大履职测评 in progress with its 答题码 issued (issue 13, seed 004).

The first city's people's congress (X市人大常委会) evaluates the city's own 卫健委, organised by
the city's 督查员: started seven weeks ago, the self-report submitted by the city's 联络员 five
weeks ago, the deputies' token round opened two weeks ago with 60 答题码 (26 of them answered
since, through the public write surveys.services.submit_response), one 评议会 recorded last
week. Its next step (形成问题清单) waits for the 督查员. Everything goes through the services."""

from __future__ import annotations

import datetime as dt
import secrets

from core import clock
from surveys import definition
from surveys import evaluation as esvc
from surveys.choices import QuestionType
from surveys.models import Evaluation, SurveyTarget
from surveys.services import submit_response

TOKENS = 60
ANSWERED = 26
SELF_REPORT = """一、履职基本情况
任现职以来，委领导班子坚持以人民健康为中心，推进紧密型县域医共体建设，全市组建医共体9个，覆盖基层医疗卫生机构92%；免费提供基本公共卫生服务12类，老年人健康管理率达到72.6%。
二、存在的问题和不足
优质医疗资源总量不足、分布不均；基层医疗卫生人才短缺；中医药传承创新发展相对滞后；应对突发公共卫生事件的能力有待提升。
三、下一步工作打算
加强优质医疗资源扩容和区域均衡布局，实施基层卫生人才“强基工程”，完善公共卫生应急体系。"""
MINUTES = """市人大常委会测评工作组听取了市卫健委主要负责同志的履职情况报告，代表们进行了评议。
代表意见主要集中在：基层医疗卫生人才引不进、留不住；部分医院就诊流程繁琐、等候时间长；家庭医生签约服务“签而不约”；医疗服务价格和医保支付衔接不够。
会议要求市卫健委对代表意见逐条梳理，形成问题清单，明确整改责任和时限。"""
COMMENTS = ["基层人才队伍建设要加大力度", "希望进一步优化就诊流程", "家庭医生服务要做实", ""]


class EvaluationsMixin:
    def plan_evaluations(self):
        """Schedule the 履职测评 on the demo's clock (self.at(t, fn, *args))."""
        if not self.cities:
            return
        city, cpy = self.cities[0]
        if f"{cpy}_duchayuan" not in self.users or city.pk not in self.clerk:
            return
        self.at(-49.4, self._evaluation_start, city.pk, cpy)

    def _evaluation(self) -> Evaluation:
        return Evaluation.objects.select_related("org_unit", "department").get(pk=self._evaluation_pk)

    def _evaluation_start(self, city_pk, cpy):
        city = next(c for c, _ in self.cities if c.pk == city_pk)
        self._evaluation_organiser = f"{cpy}_duchayuan"
        ev = esvc.evaluation_create(
            actor=self.user(self._evaluation_organiser),
            org_unit=city,
            department=city,
            title=f"{clock.today().year}年度{city.short_name or city.name}履职测评",
            congress=city.name.replace("卫生健康委员会", "人大常委会"),
            year=clock.today().year,
        )
        self._evaluation_pk = ev.pk
        self.counts["evaluations"] += 1
        self.at(-35.3, self._evaluation_self_report, city_pk)
        self.at(-14.4, self._evaluation_survey)

    def _evaluation_self_report(self, city_pk):
        esvc.self_report_submit(
            actor=self.user(self.clerk[city_pk]), evaluation=self._evaluation(), text=SELF_REPORT
        )

    def _evaluation_survey(self):
        ev = self._evaluation()
        organiser = self.user(self._evaluation_organiser)
        ev = esvc.evaluation_start_survey(
            actor=organiser,
            evaluation=ev,
            tokens=TOKENS,
            closes_on=clock.today() + dt.timedelta(days=28),
        )
        target = ev.survey.targets.select_related("survey__version").get()
        codes = list(target.tokens.order_by("id").values_list("code", flat=True)[:ANSWERED])
        for i, code in enumerate(codes):
            self.at(-13.6 + i * 0.45, self._evaluation_answer, target.pk, code)
        self.at(-6.4, self._evaluation_meeting)

    def _evaluation_answer(self, target_pk, code):
        target = SurveyTarget.objects.select_related("survey__version").get(pk=target_pk)
        submit_response(
            target=target,
            answers=self._deputy_sheet(target.survey.version.definition),
            client_key=secrets.token_urlsafe(16),
            token_code=code,
            seconds=180 + self.rng.randrange(400),
        )

    def _deputy_sheet(self, defn: dict) -> dict:
        """A deputy's sheet: mostly satisfied, a few lukewarm; every shown required question answered."""
        answers: dict = {}
        mood = self.rng.random()
        for q in definition.questions(defn):
            if not definition.visible(q, answers):
                continue
            answers_q = self._deputy_answer(q, mood)
            if answers_q is not None:
                answers[q["key"]] = answers_q
        return answers

    def _deputy_answer(self, q: dict, mood: float):
        kind = q["type"]
        if kind in (QuestionType.RATING5, QuestionType.RATING10, QuestionType.MATRIX):
            top = 10 if kind == QuestionType.RATING10 else 5
            low = top - 2 if mood > 0.25 else top // 2

            def pick():
                return self.rng.randint(low, top)

            return {r["key"]: pick() for r in q["rows"]} if kind == QuestionType.MATRIX else pick()
        options = q.get("options") or []
        if kind == QuestionType.SINGLE and options:
            scored = sorted((o for o in options if o.get("score") is not None), key=lambda o: -o["score"])
            pool = scored[:2] if mood > 0.25 else scored[1:4]
            return self.rng.choice(pool or options)["key"]
        if kind == QuestionType.MULTIPLE and options:
            return [self.rng.choice(options)["key"]]
        if q["required"]:
            return self.rng.choice([c for c in COMMENTS if c])
        comment = self.rng.choice(COMMENTS)
        return comment or None

    def _evaluation_meeting(self):
        ev = self._evaluation()
        esvc.meeting_record(
            actor=self.user(self._evaluation_organiser),
            evaluation=ev,
            held_on=clock.today(),
            title=f"{ev.congress}履职测评评议会",
            place=f"{ev.congress}第一会议室",
            attendees=f"{ev.congress}测评工作组、{ev.department.display_name}领导班子成员、各科室负责人",
            minutes=MINUTES,
        )
