"""A low item of a round's unit becomes a problem in the rectification ledger in one step
(R-SVY-3 → R-RCT-1): the evaluated unit rectifies, the round's organiser found it; the problem's
source is 满意度调查 and its description names the round, the unit, the item, its index and n.
Then its rectification and 回头看 run as for any problem."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import record
from core import clock
from core.services import require
from rectification import services as rectification
from rectification.choices import ProblemSource
from rectification.models import ProblemCategory
from surveys import results, rules
from surveys.models import ItemProblem, SurveyTarget


def check_convert(actor, target: SurveyTarget) -> None:
    """Who may turn an item of `target` into a problem: convert_survey and add_problem in the
    organiser's scope."""
    require(actor, rules.CONVERT, target.org_unit, "您无权将该测评的题目转为整改问题")
    require(actor, "rectification.add_problem", target.org_unit, "您无权以组织单位名义登记整改问题")


def convertible(item: results.Item | None, target: SurveyTarget) -> None:
    """ValidationError unless the item is under the round's threshold and not converted yet."""
    if item is None:
        raise ValidationError("测评中没有该题目")
    if item.index is None:
        raise ValidationError("该题没有有效答案，无法计算指数")
    if item.index >= target.survey.threshold:
        raise ValidationError(
            f"该题满意度指数{item.index}未低于整改阈值{target.survey.threshold}，无需转为整改问题"
        )


def description_of(target: SurveyTarget, item: results.Item) -> str:
    return (
        f"{target.survey.title}：{target.unit.display_name}“{item.label}”满意度指数{item.index}"
        f"（{item.n}份有效答案），低于整改阈值{target.survey.threshold}"
    )


def default_requirement(item: results.Item) -> str:
    return f"针对“{item.label}”满意度偏低的情况，查找原因，制定整改措施，下一轮测评前见效。"


@transaction.atomic
def item_convert(
    *,
    actor,
    target: SurveyTarget,
    question: str,
    row: str = "",
    category: ProblemCategory,
    deadline: dt.date,
    severity: str = "general",
    requirement: str = "",
) -> ItemProblem:
    target = (
        SurveyTarget.objects.select_for_update()
        .select_related("survey__version", "unit", "org_unit")
        .get(pk=target.pk)
    )
    check_convert(actor, target)
    if ItemProblem.objects.filter(target=target, question=question, row=row).exists():
        raise ValidationError("该题已转为整改问题，不能重复转办")
    item = results.item_of(target, question, row)
    convertible(item, target)
    problem = rectification.problem_create(
        actor=actor,
        org_unit=target.unit,
        found_by_unit=target.org_unit,
        source=ProblemSource.SURVEY,
        description=description_of(target, item),
        category=category,
        deadline=deadline,
        severity=severity,
        requirement=requirement.strip() or default_requirement(item),
        source_note=target.survey.title,
    )
    try:
        with transaction.atomic():
            made = ItemProblem.objects.create(
                target=target,
                question=question,
                row=row,
                problem=problem,
                index=item.index,
                created_by=actor,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise ValidationError("该题已转为整改问题，不能重复转办") from None
    record(
        actor=actor,
        action="surveys.item.converted",
        obj=target,
        unit=target.org_unit,
        changes={"item": item.label, "index": str(item.index), "n": item.n, "problem": problem.code},
    )
    return made
