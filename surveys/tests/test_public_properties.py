"""Property tests of the public write's rules (R-SVY-2): whatever the order of submits, random or
reused codes and re-sent sheets, a token stores at most one response, a used, voided or unknown
code stores nothing, and a sheet is stored once."""

import secrets
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from surveys import forms_public, services
from surveys.choices import SurveyMode
from surveys.models import Response, Token
from surveys.tests.factories import issue_tokens, open_survey, sheet

pytestmark = pytest.mark.django_db
FIXTURES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# a submit: which code (a live token 0–3, the voided one, an unknown one, none) and which sheet key
# (a new one, or the key of an earlier submit — a retry)
SUBMIT = st.tuples(st.sampled_from(["t0", "t1", "t2", "t3", "void", "unknown", ""]), st.integers(0, 5))


@pytest.fixture
def token_round(org):
    target = open_survey(org, mode=SurveyMode.TOKEN).targets.get()
    tokens = issue_tokens(org, target, 5)
    Token.objects.filter(pk=tokens[4].pk).update(voided_at=clock.now())
    codes = {f"t{i}": t.code for i, t in enumerate(tokens[:4])}
    codes.update(void=tokens[4].code, unknown=services.new_token_code(), **{"": ""})
    return target, codes


@FIXTURES
@given(submits=st.lists(SUBMIT, min_size=1, max_size=12))
def test_a_token_stores_at_most_one_response(token_round, submits):
    target, codes = token_round
    with transaction.atomic():
        keys, stored_by_key, used = [], {}, set()
        for which, earlier in submits:
            key = keys[earlier] if earlier < len(keys) else secrets.token_urlsafe(16)
            keys.append(key)
            code = codes[which]
            if which in ("t0", "t1", "t2", "t3") and secrets.randbelow(2):
                code = code.lower()[:4] + " " + code.lower()[4:]  # typed as read off paper
            try:
                response, created = services.submit_response(
                    target=target, answers=sheet(), client_key=key, token_code=code
                )
            except ValidationError:
                assert key not in stored_by_key
                assert which not in ("t0", "t1", "t2", "t3") or which in used
                continue
            if created:
                assert which in ("t0", "t1", "t2", "t3") and which not in used
                used.add(which)
                stored_by_key[key] = response.pk
            else:
                assert stored_by_key[key] == response.pk  # a retry finds its sheet
        assert Response.objects.filter(target=target).count() == len(used) == len(stored_by_key)
        for token in Token.objects.filter(target=target):
            assert Response.objects.filter(token=token).count() <= 1
            assert (token.used_at is not None) == Response.objects.filter(token=token).exists()
        assert not Response.objects.filter(token__voided_at__isnull=False).exists()
        transaction.set_rollback(True)


@FIXTURES
@given(order=st.lists(st.integers(0, 4), min_size=1, max_size=10))
def test_a_sheet_is_stored_once_whatever_is_sent_again(client, org, order):
    cache.clear()
    with transaction.atomic():
        target = open_survey(org).targets.get()
        keys = [forms_public.new_client_key() for _ in range(5)]
        stamp = forms_public.served_stamp(target.slug, time.time() - 30)
        url = reverse("survey_public:answer", args=[target.slug])
        for i in order:
            body = {
                "client_key": keys[i],
                "stamp": stamp,
                "q1": "b",
                "q2": "4",
                "q4.r1": "4",
                "q4.r2": "3",
                "q4.r3": "5",
            }
            assert client.post(url, body).status_code == 302
        assert Response.objects.filter(target=target).count() == len(set(order))
        assert set(Response.objects.filter(target=target).values_list("client_key", flat=True)) == {
            keys[i] for i in order
        }
        transaction.set_rollback(True)
