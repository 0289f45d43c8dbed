"""The public answering pages of surveys (R-SVY-2): open to anybody, no account (scope PUBLIC);
what they must not show is proven in surveys/tests/test_public.py."""

import time

from core.testing.views import PUBLIC, Endpoint, rows
from surveys import forms_public
from surveys.models import Response


def _round(world):
    from surveys.tests.factories import open_survey

    return {"public_target": open_survey(world["org"]).targets.get()}


def _slug(world):
    return {"slug": world["public_target"].slug}


def _sheet(world, **changes):
    target = world["public_target"]
    body = {
        "client_key": forms_public.new_client_key(),
        "stamp": forms_public.served_stamp(target.slug, time.time() - 30),
        "token": "",
        "homepage": "",
        "q1": "b",
        "q2": "4",
        "q4.r1": "4",
        "q4.r2": "3",
        "q4.r3": "5",
    }
    body.update(changes)
    return body


SURVEYS_PUBLIC = [
    Endpoint(
        "survey_public:answer",
        kwargs=_slug,
        scope=PUBLIC,
        insider=None,
        prepare=_round,
        shows="您对本院总体服务是否满意？",
        valid=_sheet,
        state=rows(Response),
        audits=0,  # a public sheet is no one's act: not audited (surveys.services)
        invalid=lambda w: _sheet(w, q2=""),
    ),
    Endpoint(
        "survey_public:thanks",
        kwargs=_slug,
        scope=PUBLIC,
        insider=None,
        prepare=_round,
        shows="感谢您的参与！",
        why="valid: invalid: a page to read (GET only, POST is 405)",
    ),
    Endpoint(
        "survey_public:unknown",
        scope=PUBLIC,
        insider=None,
        get=404,
        why="valid: invalid: anything else under /s/ is the bare 404 of an unknown link",
    ),
]
