"""The public answering pages (R-SVY-2, R-SEC-6): no account, nothing but the questionnaire.

The policy (docs/rules.md「满意度测评的公开答题」): an unknown link is the same bare 404 as any
other; a sheet carries a signed served-at stamp and is refused when sent sooner than
DUBAN_SURVEY_MIN_SECONDS or later than a day after serving, or when its honeypot is filled; an
open link stores at most DUBAN_SURVEY_SUBMITS_PER_IP sheets per client address per 10 minutes;
a token round lets an address try DUBAN_SURVEY_TOKEN_TRIES_PER_IP wrong 答题码 per 10 minutes.
Each sheet is stored once (its client_key) and a token answers once (surveys.services). Django's
CSRF protection stays on the form POST.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from core import ratelimit
from core.middleware import client_ip
from surveys import services
from surveys.choices import SurveyMode
from surveys.forms_public import (
    HONEYPOT,
    STAMP_MAX_AGE,
    SheetForm,
    new_client_key,
    page_questions,
    served_stamp,
    stamp_age,
)
from surveys.models import SurveyTarget

SLUG = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
WINDOW = 600  # seconds: the window of both per-address limits
TOO_FAST = "提交过快，请确认每道题的答案后再提交"
EXPIRED = "页面已过期，请刷新页面后再提交（已填写的答案保存在本机）"
FORGED = "页面已失效，请刷新页面后重新填写"
HONEYPOT_FILLED = "提交未被接受，请刷新页面后重新填写"
TOO_MANY = "本设备提交的答卷过多，请稍后再试"
WRONG_CODE = "答题码不正确或已使用，请核对后重新输入"
TOO_MANY_CODES = "答题码输错次数过多，请10分钟后再试"


def _target(slug: str) -> SurveyTarget | None:
    if not SLUG.match(slug):
        return None
    try:  # get(), not first(): a unique slug needs no ORDER BY
        return SurveyTarget.objects.select_related("survey__version", "unit").get(slug=slug)
    except SurveyTarget.DoesNotExist:
        return None


def not_found(request):
    return render(request, "surveys/public/404.html", status=404)


@require_http_methods(["GET", "POST"])
def unknown(request):
    return not_found(request)


def _codes_blocked(request) -> bool:
    return ratelimit.exceeded(
        "survey-code", client_ip(request), limit=settings.DUBAN_SURVEY_TOKEN_TRIES_PER_IP, window=WINDOW
    )


def _wrong_code(request) -> None:
    ratelimit.hit(
        "survey-code", client_ip(request), limit=settings.DUBAN_SURVEY_TOKEN_TRIES_PER_IP, window=WINDOW
    )


def _code_page(request, target, error="", status=200, code=""):
    ctx = {"target": target, "survey": target.survey, "error": error, "code": code}
    return render(request, "surveys/public/code.html", ctx, status=status)


def _sheet_page(request, target, form, status=200):
    version = target.survey.version
    if form.is_bound:  # the page again: typed answers and each question's error
        sections = page_questions(version.definition, form.answers(), form.question_errors)
        questions = render_to_string("surveys/public/_questions.html", {"sections": sections})
    else:
        questions = _blank_questions(version.pk, version.definition)
    ctx = {
        "target": target,
        "survey": target.survey,
        "intro": version.definition.get("intro", ""),
        "form": form,
        "questions_html": mark_safe(questions),  # rendered by the template engine, escaped there
        "slug": target.slug,
    }
    return render(request, "surveys/public/answer.html", ctx, status=status)


_BLANK: dict[int, str] = {}


def _blank_questions(version_pk: int, definition_: dict) -> str:
    """The unanswered questions of a version: a version is frozen, so rendered once per process."""
    html = _BLANK.get(version_pk)
    if html is None:
        sections = page_questions(definition_, {}, {})
        html = render_to_string("surveys/public/_questions.html", {"sections": sections})
        if len(_BLANK) > 200:
            _BLANK.clear()
        _BLANK[version_pk] = html
    return html


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def answer(request, slug):
    target = _target(slug)
    if target is None:
        return not_found(request)
    if not services.is_open(target):
        return render(request, "surveys/public/closed.html", {"survey": target.survey})
    if request.method == "POST":
        return _submit(request, target)
    code = ""
    if target.survey.mode == SurveyMode.TOKEN:
        code = services.normalise_code(request.GET.get("t", ""))[:16]
        if not code:
            return _code_page(request, target)
        if _codes_blocked(request):
            return _code_page(request, target, TOO_MANY_CODES, status=429, code=code)
        if services.find_token(target, code) is None:
            _wrong_code(request)
            return _code_page(request, target, WRONG_CODE, code=code)
    initial = {"client_key": new_client_key(), "stamp": served_stamp(slug), "token": code}
    return _sheet_page(request, target, SheetForm(target.survey.version.definition, initial=initial))


def _submit(request, target):
    form = SheetForm(target.survey.version.definition, request.POST)
    token_round = target.survey.mode == SurveyMode.TOKEN
    if not form.is_valid():
        return _sheet_page(request, target, form)
    refusal, status = _policy(request, target, form)
    if refusal:
        form.add_error(None, refusal)
        return _sheet_page(request, target, form, status=status)
    code = form.cleaned_data["token"]
    try:
        _response, stored = services.submit_response(
            target=target,
            answers=form.answers(),
            client_key=form.cleaned_data["client_key"],
            token_code=code,
            seconds=stamp_age(form.cleaned_data["stamp"], target.slug),
        )
    except ValidationError as exc:
        if token_round and not hasattr(exc, "error_dict") and services.find_token(target, code) is None:
            _wrong_code(request)
        form.refuse(exc)
        return _sheet_page(request, target, form)
    if stored and not token_round:
        ratelimit.hit(
            *_submit_limit(request, target), limit=settings.DUBAN_SURVEY_SUBMITS_PER_IP, window=WINDOW
        )
    return redirect("survey_public:thanks", slug=target.slug)


def _submit_limit(request, target) -> tuple[str, str]:
    """The scope and the who of the open-link limit: one address on one link."""
    return f"survey-submit:{target.slug}", client_ip(request)


def _policy(request, target, form) -> tuple[str, int]:
    """Why this sheet is refused before it is read ("" when it is not), and the status."""
    age = stamp_age(form.cleaned_data["stamp"], target.slug)
    if form.cleaned_data[HONEYPOT]:
        return HONEYPOT_FILLED, 400
    if age is None:
        return FORGED, 400
    if age < settings.DUBAN_SURVEY_MIN_SECONDS:
        return TOO_FAST, 400
    if age > STAMP_MAX_AGE:
        return EXPIRED, 400
    if target.survey.mode == SurveyMode.TOKEN:
        if _codes_blocked(request):
            return TOO_MANY_CODES, 429
    else:
        limit = settings.DUBAN_SURVEY_SUBMITS_PER_IP
        if ratelimit.exceeded(*_submit_limit(request, target), limit=limit, window=WINDOW):
            return TOO_MANY, 429
    return "", 200


@require_http_methods(["GET"])
def thanks(request, slug):
    target = _target(slug)
    if target is None:
        return not_found(request)
    text = target.survey.version.definition.get("thanks") or "感谢您的参与！"
    return render(
        request, "surveys/public/thanks.html", {"survey": target.survey, "thanks": text, "slug": slug}
    )
