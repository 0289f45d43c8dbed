"""Writes of distribution (R-SVY-2, the staff side): a round (`survey_create` over evaluated units,
each with its own unguessable public link), 开始收集 / 结束收集 (surveys.transitions.SURVEY; the
queue closes a round past its 截止日期, surveys.tasks), and the one-time 答题码 of a token round
(issue, void). Who may act is checked here; each write is one transaction with its audit entry.

Only the organiser's people act: surveys.change_survey (open, close) and surveys.issue_token
(tokens) in the scope of the round's organising unit. An evaluated unit reads its target
(SurveyTarget.scope_unit_fields) but never sees or issues tokens.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from audit.services import record
from core import clock, scoping
from core.services import require
from surveys import rules, services
from surveys.choices import QuestionnaireStatus, SurveyMode, SurveyStatus
from surveys.models import Questionnaire, Survey, SurveyTarget, Token
from surveys.transitions import SURVEY

MAX_TOKENS = 500
MAX_TARGETS = 200


# ---------------------------------------------------------------- links


def public_path(slug: str, token: str = "") -> str:
    """The public answering page of a target (the public work's `survey_public:answer`)."""
    try:
        path = reverse("survey_public:answer", args=[slug])
    except NoReverseMatch:
        path = f"/s/{slug}/"
    return f"{path}?t={token}" if token else path


def public_url(request, slug: str, token: str = "") -> str:
    return request.build_absolute_uri(public_path(slug, token))


# ---------------------------------------------------------------- who may act


def check_change(user, survey: Survey) -> None:
    if not scoping.unit_in_scope(user, rules.CHANGE, survey.org_unit):
        raise PermissionDenied("只有组织单位的督查员可以操作本次测评")


def check_open(user, survey: Survey) -> None:
    check_change(user, survey)
    SURVEY.check("open", survey.status)


def check_close(user, survey: Survey) -> None:
    check_change(user, survey)
    SURVEY.check("close", survey.status)


def can_manage_tokens(user, survey: Survey) -> bool:
    return scoping.unit_in_scope(user, rules.ISSUE_TOKEN, survey.org_unit)


def check_tokens(user, survey: Survey) -> None:
    if not can_manage_tokens(user, survey):
        raise PermissionDenied("只有组织单位的督查员可以发放答题码")
    if survey.mode != SurveyMode.TOKEN:
        raise ValidationError("公开链接方式的测评不使用答题码")
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError("测评已结束，不能再发放或作废答题码")


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def actions_for(user, survey: Survey) -> dict[str, bool]:
    return {
        "open": _allowed(check_open, user, survey),
        "close": _allowed(check_close, user, survey),
        "tokens": _allowed(check_tokens, user, survey),
        "see_tokens": survey.mode == SurveyMode.TOKEN and can_manage_tokens(user, survey),
        "manage": scoping.unit_in_scope(user, rules.CHANGE, survey.org_unit),
    }


# ---------------------------------------------------------------- rounds


def usable_questionnaires(user):
    """The published questionnaires a round may use (the user's scope, not 停用)."""
    return (
        Questionnaire.objects.visible_to(user, rules.VIEW_QUESTIONNAIRE)
        .filter(status=QuestionnaireStatus.PUBLISHED)
        .select_related("org_unit")
    )


def _check_round(questionnaire, title, mode, opens_on, closes_on, threshold) -> tuple[str, Decimal]:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写测评名称"
    elif len(title) > 120:
        errors["title"] = "测评名称不能超过120字"
    if questionnaire is None or questionnaire.status != QuestionnaireStatus.PUBLISHED:
        errors["questionnaire"] = "请选择已发布的问卷（已停用或未发布的问卷不能使用）"
    if mode not in SurveyMode.values:
        errors["mode"] = "请选择发放方式"
    if not isinstance(opens_on, dt.date):
        errors["opens_on"] = "请填写开始日期"
    if not isinstance(closes_on, dt.date):
        errors["closes_on"] = "请填写截止日期"
    elif isinstance(opens_on, dt.date) and closes_on < opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    try:
        threshold = Decimal(str(threshold)).quantize(Decimal("0.1"))
        if not Decimal(0) <= threshold <= Decimal(100):
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["threshold"] = "整改阈值须为0–100之间的数"
    if errors:
        raise ValidationError(errors)
    return title, threshold


def _check_units(actor, units) -> list:
    units = list(dict.fromkeys(units or []))
    if not units:
        raise ValidationError({"units": "请至少选择一个被测评单位"})
    if len(units) > MAX_TARGETS:
        raise ValidationError({"units": f"一次测评最多{MAX_TARGETS}个被测评单位"})
    outside = [u for u in units if not scoping.unit_in_scope(actor, rules.ADD, u)]
    if outside:
        raise ValidationError({"units": f"“{outside[0].display_name}”不在您的管辖范围内"})
    return units


@transaction.atomic
def survey_create(
    *,
    actor,
    questionnaire: Questionnaire,
    title: str,
    mode: str,
    opens_on,
    closes_on,
    threshold,
    units,
    org_unit=None,
) -> Survey:
    """A round (未开始) of the questionnaire's latest version, run by `org_unit` (default: the
    questionnaire's unit) over `units`, each with its own public link."""
    org_unit = org_unit or (questionnaire.org_unit if questionnaire else None)
    if org_unit is None:
        raise ValidationError({"questionnaire": "请选择问卷"})
    require(actor, rules.ADD, org_unit, "您不能为该单位新建测评")
    if questionnaire is not None and not scoping.unit_in_scope(
        actor, rules.VIEW_QUESTIONNAIRE, questionnaire.org_unit
    ):
        raise ValidationError({"questionnaire": "请选择您范围内的问卷"})
    title, threshold = _check_round(questionnaire, title, mode, opens_on, closes_on, threshold)
    units = _check_units(actor, units)
    version = questionnaire.versions.order_by("-number").first()
    survey = Survey.objects.create(
        title=title,
        questionnaire=questionnaire,
        version=version,
        org_unit=org_unit,
        mode=mode,
        opens_on=opens_on,
        closes_on=closes_on,
        threshold=threshold,
        status=SURVEY.target("create"),
        created_by=actor,
    )
    SurveyTarget.objects.bulk_create(
        SurveyTarget(survey=survey, org_unit=org_unit, unit=u, slug=services.new_slug()) for u in units
    )
    record(
        actor=actor,
        action="surveys.survey.created",
        obj=survey,
        unit=org_unit,
        changes={
            "questionnaire": f"{questionnaire.title}（第{version.number}版）",
            "mode": survey.get_mode_display(),
            "opens_on": opens_on,
            "closes_on": closes_on,
            "units": [u.display_name for u in units],
        },
    )
    return survey


def _locked(survey: Survey, revision: int | None) -> Survey:
    fresh = Survey.objects.select_for_update().select_related("org_unit").get(pk=survey.pk)
    if revision is not None and fresh.revision != int(revision):
        raise ValidationError("测评已被他人修改，请刷新页面后重试")
    return fresh


def _move(survey: Survey, action: str, actor, changes: dict) -> Survey:
    before = survey.status
    survey.status = SURVEY.target(action)
    survey.revision += 1
    survey.save(update_fields=["status", "revision", "updated_at"])
    record(
        actor=actor,
        action="surveys.survey.opened" if action == "open" else "surveys.survey.closed",
        obj=survey,
        unit=survey.org_unit,
        changes={"status": {"before": before, "after": survey.status}, **changes},
    )
    return survey


@transaction.atomic
def survey_open(*, actor, survey: Survey, revision: int | None = None) -> Survey:
    """开始收集: the links (or tokens) start taking answers; a token round needs tokens first."""
    survey = _locked(survey, revision)
    check_open(actor, survey)
    if survey.closes_on < clock.today():
        raise ValidationError("截止日期已过，不能开始收集")
    if survey.mode == SurveyMode.TOKEN:
        live = Count("tokens", filter=Q(tokens__voided_at__isnull=True))
        bare = survey.targets.annotate(live=live).filter(live=0).select_related("unit").first()
        if bare is not None:
            raise ValidationError(
                f"答题码方式须先为每个被测评单位发放答题码（{bare.unit.display_name}尚未发放）"
            )
    return _move(survey, "open", actor, {})


@transaction.atomic
def survey_close(*, actor, survey: Survey, revision: int | None = None) -> Survey:
    survey = _locked(survey, revision)
    check_close(actor, survey)
    return _move(survey, "close", actor, {})


def close_overdue(today: dt.date | None = None) -> int:
    """结束收集 of every open round past its 截止日期 (the queue's job; the system acts)."""
    today = today or clock.today()
    closed = 0
    for pk in Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().select_related("org_unit").get(pk=pk)
            if survey.status != SurveyStatus.OPEN:
                continue
            _move(survey, "close", None, {"reason": "已过截止日期，系统自动结束"})
            closed += 1
    return closed


# ---------------------------------------------------------------- tokens


def _new_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {services.new_token_code() for _ in range(count - len(codes))} - codes
        taken = set(Token.objects.filter(code__in=fresh).values_list("code", flat=True))
        codes |= fresh - taken
    return sorted(codes)


@transaction.atomic
def tokens_issue(*, actor, target: SurveyTarget, count, batch: str = "") -> list[Token]:
    """发放 `count` (1–500) new one-time 答题码 for a target of a token round."""
    survey = _locked(target.survey, None)
    check_tokens(actor, survey)
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= MAX_TOKENS:
        raise ValidationError({"count": f"每次可发放1–{MAX_TOKENS}个答题码"})
    batch = (batch or "").strip()
    if len(batch) > 40:
        raise ValidationError({"batch": "批次名称不能超过40字"})
    now = clock.now()
    tokens = Token.objects.bulk_create(
        Token(target=target, code=code, batch=batch, issued_at=now, issued_by=actor)
        for code in _new_codes(count)
    )
    record(
        actor=actor,
        action="surveys.token.issued",
        obj=survey,
        unit=survey.org_unit,
        changes={"unit": target.unit.display_name, "count": count, "batch": batch},
    )
    return list(Token.objects.filter(target=target, issued_at=now, code__in=[t.code for t in tokens]))


@transaction.atomic
def token_void(*, actor, token: Token) -> Token:
    """作废 an unused 答题码 (lost, or given to the wrong person)."""
    token = (
        Token.objects.select_for_update()
        .select_related("target__survey__org_unit", "target__unit")
        .get(pk=token.pk)
    )
    survey = token.target.survey
    check_tokens(actor, survey)
    if token.used_at is not None:
        raise ValidationError("已使用的答题码不能作废")
    if token.voided_at is not None:
        raise ValidationError("该答题码已作废")
    token.voided_at = clock.now()
    token.save(update_fields=["voided_at"])
    record(
        actor=actor,
        action="surveys.token.voided",
        obj=survey,
        unit=survey.org_unit,
        changes={"unit": token.target.unit.display_name, "code": token.code},
    )
    return token


def token_counts(target: SurveyTarget) -> dict[str, int]:
    tokens = list(target.tokens.values_list("used_at", "voided_at"))
    used = sum(1 for u, _ in tokens if u is not None)
    voided = sum(1 for u, v in tokens if u is None and v is not None)
    return {"issued": len(tokens), "used": used, "voided": voided, "unused": len(tokens) - used - voided}


def token_counts_by_target(survey: Survey) -> dict[int, dict[str, int]]:
    """token_counts of every target of a round, in one grouped query."""
    rows = (
        Token.objects.filter(target__survey=survey)
        .values("target_id")
        .annotate(
            issued=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
            voided=Count("id", filter=Q(used_at__isnull=True, voided_at__isnull=False)),
        )
    )
    out = {}
    for r in rows:
        unused = r["issued"] - r["used"] - r["voided"]
        out[r["target_id"]] = {
            "issued": r["issued"],
            "used": r["used"],
            "voided": r["voided"],
            "unused": unused,
        }
    return out


def record_download(*, actor, survey: Survey, what: str, target: SurveyTarget | None = None) -> None:
    """Audit a download of the 答题码 list (printable or Excel)."""
    record(
        actor=actor,
        action="surveys.token.downloaded",
        obj=survey,
        unit=survey.org_unit,
        changes={"what": what, "unit": target.unit.display_name if target else ""},
    )
