"""The numbers of a round (R-SVY-3), computed here and nowhere else: SQL sums over Answer rows,
then exact fractions (never a float), rounded half up to one decimal.

- An item (a scored question, or one row of a matrix): 满意度指数 = 100 × Σ得分 ÷ Σ满分 over its
  scored answers (a rating v of 1..n scores v−1 of n−1; a scored option its score of 100; an
  option without a score, e.g. 不清楚, is not counted); n = the answers counted.
- A unit: 满意度指数 = the mean of its items' indices over the items with n ≥ 1 (each item weighs
  the same).
- Thin data: an item without a counted answer has no index ("—", never 0); a unit without
  responses has none and ranks last as 无有效答卷. Same index → same rank.
- The previous round: the latest earlier closed round of the same questionnaire (any version)
  over the same unit; items match by question key and row key; the change is this round's shown
  value minus the previous round's shown value ("—" where either has none).
- Distribution: per option / rating value (per matrix row), with its share of the answers to the
  question (of the respondents who answered, for a multiple choice).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum

from surveys import definition
from surveys.choices import CHOICE_TYPES, RATING_MAX, TEXT_TYPES, QuestionType, SurveyStatus
from surveys.models import Answer, ItemProblem, Response, Survey, SurveyTarget

INDEX_FORMULA = "题目满意度指数 = 100 × 该题各有效答案得分之和 ÷ 满分之和（评分题1–n分记0至n−1分；选择题按选项分值，未设分值的选项如“不清楚”不计入）"
UNIT_FORMULA = "单位满意度指数 = 各题满意度指数的算术平均（只计有有效答案的题目，每题权重相同）"
THIN_RULE = "无有效答案的题目不计指数（显示“—”）；无有效答卷的单位不计指数，排在最后。指数相同名次相同；保留一位小数，四舍五入。"
NO_RESPONSES = "无有效答卷"


def round_half_up(value: Fraction | None) -> Decimal | None:
    """`value` to one decimal, halves away from zero, exactly (from the fraction, not a float)."""
    if value is None:
        return None
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    return Decimal(-tenths if value < 0 else tenths).scaleb(-1)


def index_of(points: int, scale: int) -> Fraction | None:
    """100 × Σpoints / Σscale, or None without anything counted."""
    return Fraction(100 * points, scale) if scale else None


def share(count: int, total: int) -> Decimal | None:
    return round_half_up(Fraction(100 * count, total)) if total else None


def change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    return None if now is None or before is None else now - before


@dataclass
class Item:
    question: str
    row: str
    label: str
    points: int = 0
    scale: int = 0
    n: int = 0
    exact: Fraction | None = None
    index: Decimal | None = None
    previous: Decimal | None = None
    existed_before: bool = False
    delta: Decimal | None = None
    below: bool = False
    problem: ItemProblem | None = None

    @property
    def slug(self) -> str:
        """The item in a URL: q4 or q4.r2."""
        return f"{self.question}.{self.row}" if self.row else self.question


@dataclass
class UnitResult:
    target: SurveyTarget
    responses: int
    items: list[Item]
    exact: Fraction | None = None
    index: Decimal | None = None
    previous: Decimal | None = None
    previous_target: SurveyTarget | None = None
    delta: Decimal | None = None
    rank: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.previous_target is not None


def parse_item(slug: str) -> tuple[str, str]:
    question, _, row = (slug or "").partition(".")
    return question, row


def _sums(target_ids) -> dict[int, dict[tuple[str, str], tuple[int, int, int]]]:
    """{target id: {(question, row): (Σpoints, Σscale, n)}} — one grouped query."""
    out: dict[int, dict] = {}
    qs = (
        Answer.objects.filter(target_id__in=list(target_ids), points__isnull=False, scale__isnull=False)
        .values("target_id", "question", "row")
        .annotate(p=Sum("points"), s=Sum("scale"), n=Count("id"))
        .order_by()
    )
    for r in qs:
        out.setdefault(r["target_id"], {})[(r["question"], r["row"])] = (r["p"], r["s"], r["n"])
    return out


def _response_counts(target_ids) -> dict[int, int]:
    qs = (
        Response.objects.filter(target_id__in=list(target_ids))
        .values("target_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["target_id"]: r["n"] for r in qs}


def _unit_exact(items: list[Item]) -> Fraction | None:
    counted = [i.exact for i in items if i.exact is not None]
    return sum(counted, Fraction(0)) / len(counted) if counted else None


def _items(defn: dict, sums: dict, threshold: Decimal | None) -> list[Item]:
    out = []
    for question, row, label in definition.items(defn):
        p, s, n = sums.get((question, row), (0, 0, 0))
        exact = index_of(p, s)
        index = round_half_up(exact)
        below = index is not None and threshold is not None and index < threshold
        out.append(Item(question, row, label, p, s, n, exact, index, below=below))
    return out


def previous_targets(survey: Survey, unit_ids) -> dict[int, SurveyTarget]:
    """{unit id: its target in the latest earlier closed round of the same questionnaire}."""
    qs = (
        SurveyTarget.objects.filter(
            survey__questionnaire_id=survey.questionnaire_id,
            survey__status=SurveyStatus.CLOSED,
            unit_id__in=list(unit_ids),
        )
        .filter(
            Q(survey__opens_on__lt=survey.opens_on)
            | Q(survey__opens_on=survey.opens_on, survey_id__lt=survey.pk)
        )
        .exclude(survey_id=survey.pk)
        .select_related("survey__version")
        .order_by("unit_id", "-survey__opens_on", "-survey_id")
    )
    out: dict[int, SurveyTarget] = {}
    for t in qs:
        out.setdefault(t.unit_id, t)
    return out


def _compare(result: UnitResult, prev: SurveyTarget | None, prev_sums: dict) -> None:
    if prev is None:
        return
    result.previous_target = prev
    old = {(i.question, i.row): i for i in _items(prev.survey.version.definition, prev_sums, None)}
    for item in result.items:
        before = old.get((item.question, item.row))
        item.existed_before = before is not None
        item.previous = before.index if before else None
        item.delta = change(item.index, item.previous)
    result.previous = round_half_up(_unit_exact(list(old.values())))
    result.delta = change(result.index, result.previous)


def rank(results: list[UnitResult]) -> list[UnitResult]:
    """Highest index first; same index → same rank (1, 2, 2, 4); no index → last, no rank."""
    ordered = sorted(results, key=lambda r: (r.exact is None, -(r.exact or 0), r.target.unit.path))
    position = 0
    last = object()
    for i, r in enumerate(ordered, 1):
        if r.index is None:
            r.rank = None
            continue
        if r.index != last:
            position, last = i, r.index
        r.rank = position
    return ordered


def unit_results(survey: Survey, targets: list[SurveyTarget], *, compare: bool = True) -> list[UnitResult]:
    """The results of the given targets of `survey` (already read in scope, with `unit`), ranked.
    A constant number of queries whatever the number of targets and responses."""
    ids = [t.pk for t in targets]
    sums, counts = _sums(ids), _response_counts(ids)
    defn = survey.version.definition
    out = []
    for t in targets:
        items = _items(defn, sums.get(t.pk, {}), survey.threshold)
        exact = _unit_exact(items)
        out.append(UnitResult(t, counts.get(t.pk, 0), items, exact, round_half_up(exact)))
    if compare and targets:
        prev = previous_targets(survey, [t.unit_id for t in targets])
        prev_sums = _sums([p.pk for p in prev.values()]) if prev else {}
        for r in out:
            p = prev.get(r.target.unit_id)
            _compare(r, p, prev_sums.get(p.pk, {}) if p else {})
    return rank(out)


def target_result(target: SurveyTarget) -> UnitResult:
    """One unit's results with the problems its low items became."""
    (result,) = unit_results(target.survey, [target])
    made = {
        (p.question, p.row): p for p in ItemProblem.objects.filter(target=target).select_related("problem")
    }
    for item in result.items:
        item.problem = made.get((item.question, item.row))
    return result


def item_of(target: SurveyTarget, question: str, row: str = "") -> Item | None:
    """One item of a target, computed afresh (the conversion's check)."""
    defn = target.survey.version.definition
    sums = _sums([target.pk]).get(target.pk, {})
    for item in _items(defn, sums, target.survey.threshold):
        if (item.question, item.row) == (question, row):
            return item
    return None


# --- distribution ------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    share: Decimal | None
    filters: dict = field(default_factory=dict)  # the drill-down's query


@dataclass
class Distribution:
    question: dict
    total: int  # answers (respondents, for a multiple choice) the shares are of
    bars: list[Bar] = field(default_factory=list)
    rows: list[tuple[dict, int, list[Bar]]] = field(default_factory=list)  # a matrix


def distributions(target: SurveyTarget) -> list[Distribution]:
    """Every choice, rating and matrix question of the round with its counts: two queries."""
    counts: dict[tuple, int] = {}
    for r in (
        Answer.objects.filter(target=target)
        .exclude(question__in=_text_keys(target))
        .values("question", "row", "choice", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(r["question"], r["row"], r["choice"], r["value"])] = r["n"]
    respondents = dict(
        Answer.objects.filter(target=target)
        .values("question")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
        .values_list("question", "n")
    )
    out = []
    for q in definition.questions(target.survey.version.definition):
        if q["type"] in TEXT_TYPES:
            continue
        out.append(_distribution(q, counts, respondents.get(q["key"], 0)))
    return out


def _text_keys(target: SurveyTarget) -> list[str]:
    return [
        q["key"] for q in definition.questions(target.survey.version.definition) if q["type"] in TEXT_TYPES
    ]


def _distribution(q: dict, counts: dict, respondents: int) -> Distribution:
    key = q["key"]
    if q["type"] in CHOICE_TYPES:
        found = [(o, counts.get((key, "", o["key"], None), 0)) for o in q["options"]]
        total = respondents if q["type"] == QuestionType.MULTIPLE else sum(n for _, n in found)
        bars = [Bar(o["label"], n, share(n, total), {"q": key, "choice": o["key"]}) for o, n in found]
        return Distribution(q, total, bars)
    top = RATING_MAX[q["type"]]
    if q["type"] == QuestionType.MATRIX:
        dist = Distribution(q, respondents)
        for row in q["rows"]:
            found = [(v, counts.get((key, row["key"], "", v), 0)) for v in range(1, top + 1)]
            row_total = sum(n for _, n in found)
            bars = [
                Bar(f"{v}分", n, share(n, row_total), {"q": key, "row": row["key"], "value": v})
                for v, n in found
            ]
            dist.rows.append((row, row_total, bars))
        return dist
    found = [(v, counts.get((key, "", "", v), 0)) for v in range(1, top + 1)]
    total = sum(n for _, n in found)
    return Distribution(
        q, total, [Bar(f"{v}分", n, share(n, total), {"q": key, "value": v}) for v, n in found]
    )
