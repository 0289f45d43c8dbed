"""The one write of the public side: storing an answer sheet (R-SVY-2), and the random names of
the public side (link slugs, 答题码).

A sheet is stored once: the page draws a `client_key` for it, and a second submit with the same
key (a double tap, a retry after a lost answer, a sheet finished later on the device) finds the
first and stores nothing. A token answers once. Public responses carry no account and no
address; they are not audit events (no one acts: the staff actions around them are).
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import clock
from surveys import definition
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Answer, Response, SurveyTarget, Token

CLIENT_KEY = re.compile(r"^[A-Za-z0-9_-]{16,40}$")
# 答题码: no 0/O, 1/I/L — read off paper by a deputy
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 8


def new_slug() -> str:
    """An unguessable public link name (96 random bits)."""
    return secrets.token_urlsafe(12)


def new_token_code() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").upper()


def is_open(target: SurveyTarget, today=None) -> bool:
    survey = target.survey
    today = today or clock.today()
    return survey.status == SurveyStatus.OPEN and survey.opens_on <= today <= survey.closes_on


def find_token(target: SurveyTarget, code: str) -> Token | None:
    """The usable token of this target with this code, else None (unknown, used or voided)."""
    code = normalise_code(code)
    if not code:
        return None
    return Token.objects.filter(
        target=target, code=code, used_at__isnull=True, voided_at__isnull=True
    ).first()


def submit_response(
    *,
    target: SurveyTarget,
    answers: dict,
    client_key: str,
    token_code: str = "",
    seconds: int | None = None,
) -> tuple[Response, bool]:
    """Store one sheet for `target` (its survey and version select_related by the caller, or read
    here): (the response, True) when stored now; (the earlier one, False) when this sheet was
    stored before. Raises a Chinese ValidationError and stores nothing when the round is not
    open, the key is malformed, the token is missing/unknown/used, or an answer is wrong."""
    if not CLIENT_KEY.match(client_key or ""):
        raise ValidationError("答卷标识不正确，请刷新页面后重新填写")
    if not is_open(target):
        earlier = _earlier(target, client_key)  # sent before the round closed: it was stored
        if earlier is not None:
            return earlier, False
        raise ValidationError("本次测评未在收集期内，感谢您的关注")
    survey = target.survey
    try:
        rows = definition.read(survey.version.definition, answers)
        with transaction.atomic():
            token = _take_token(target, token_code) if survey.mode == SurveyMode.TOKEN else None
            response = _store(target, rows, client_key, token, seconds)
    except (IntegrityError, ValidationError):
        # a sheet sent again (a double tap, a retry, two requests at once) finds the first, even
        # when its token is now used; a new sheet is written without looking first (one query
        # less on the public path), and only a refusal pays for the look
        earlier = _earlier(target, client_key)
        if earlier is None:
            raise
        return earlier, False
    return response, True


def _earlier(target: SurveyTarget, client_key: str) -> Response | None:
    return Response.objects.filter(target=target, client_key=client_key).first()


def _take_token(target: SurveyTarget, code: str) -> Token:
    token = (
        Token.objects.select_for_update()
        .filter(target=target, code=normalise_code(code), voided_at__isnull=True)
        .first()
    )
    if token is None:
        raise ValidationError("答题码不正确")
    if token.used_at is not None:
        raise ValidationError("该答题码已使用，每个答题码只能提交一次")
    return token


def _store(target: SurveyTarget, rows, client_key: str, token: Token | None, seconds) -> Response:
    now = clock.now()
    response = Response.objects.create(
        target=target,
        version_id=target.survey.version_id,
        org_unit_id=target.org_unit_id,
        unit_id=target.unit_id,
        token=token,
        client_key=client_key,
        submitted_at=now,
        seconds=seconds if seconds is not None and 0 <= seconds < 86400 else None,
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            target=target,
            question=r.question,
            row=r.row,
            choice=r.choice,
            value=r.value,
            text=r.text,
            points=r.points,
            scale=r.scale,
        )
        for r in rows
    )
    if token is not None:
        token.used_at = now
        token.save(update_fields=["used_at"])
    return response
