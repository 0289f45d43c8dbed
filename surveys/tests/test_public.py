"""The public answering pages (R-SVY-2, R-SEC-6): a sheet answered without an account, the
policy against scripted stuffing (served-at stamp, fill time, honeypot, per-address limits, the
client_key once, a token once), and nothing else on the pages."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from surveys import forms_public, services
from surveys.choices import SurveyMode, SurveyStatus
from surveys.models import Answer, Response, Token
from surveys.tests.factories import issue_tokens, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the per-address limits live in the cache
    yield
    cache.clear()


@pytest.fixture
def target(org):
    return open_survey(org).targets.get()


def url(target):
    return reverse("survey_public:answer", args=[target.slug])


def post_body(target, *, age=30, client_key=None, token="", **answers):
    """A sheet as the page posts it, served `age` seconds ago."""
    body = {
        "client_key": client_key or forms_public.new_client_key(),
        "stamp": forms_public.served_stamp(target.slug, time.time() - age),
        "token": token,
        "homepage": "",
        "q1": "b",
        "q2": "4",
        "q4.r1": "4",
        "q4.r2": "3",
        "q4.r3": "5",
    }
    body.update(answers)
    return {k: v for k, v in body.items() if v is not None}


def test_the_page_shows_the_round_the_unit_the_intro_and_every_question(client, target):
    r = client.get(url(target))
    html = r.content.decode()
    assert r.status_code == 200
    assert target.survey.title in html and target.unit.name in html
    assert "为改进服务，请您花两分钟填写。" in html and "总体评价" in html and "就诊体验" in html
    for text in ("您对本院总体服务是否满意？", "医生的态度", "就诊环节", "挂号", "不满意的原因", "其他意见"):
        assert text in html
    assert 'name="q4.r1"' in html and 'name="stamp"' in html and 'name="client_key"' in html
    assert "已自动保存在本机" in html
    assert "surveys/answer.js" in html and "<script>" not in html  # no inline script (CSP)
    assert "csrfmiddlewaretoken" in html


def test_a_valid_sheet_is_stored_and_thanked(client, target):
    r = client.post(url(target), post_body(target, q5=["a", "c"], q7="挂号很快"))
    assert r.status_code == 302 and r["Location"] == reverse("survey_public:thanks", args=[target.slug])
    response = Response.objects.get()
    assert response.target == target and response.token is None and 25 <= response.seconds <= 40
    assert set(Answer.objects.filter(question="q5").values_list("choice", flat=True)) == {"a", "c"}
    thanks = client.get(r["Location"]).content.decode()
    assert "感谢您的参与！" in thanks and "提交成功" in thanks


def test_the_same_sheet_sent_twice_is_stored_once(client, target):
    body = post_body(target)
    assert client.post(url(target), body).status_code == 302
    assert client.post(url(target), body).status_code == 302  # a double tap, a retry
    assert Response.objects.count() == 1


def test_a_wrong_sheet_names_each_question_and_keeps_what_was_typed(client, target):
    r = client.post(url(target), post_body(target, q2=None, **{"q4.r2": None}, q7="候诊太久"))
    html = r.content.decode()
    assert r.status_code == 200 and not Response.objects.exists()
    assert "第2题为必答题" in html and "第4题：请逐行评分" in html
    assert 'value="b" checked' in html  # q1 kept
    assert 'value="候诊太久"' in html and 'id="q4-r1-4" value="4" checked' in html


def test_the_skip_rule_is_applied_again_on_the_server(client, target):
    client.post(url(target), post_body(target, q1="b", q6="不该保存"))
    assert not Answer.objects.filter(question="q6").exists()
    client.post(url(target), post_body(target, q1="d"))
    assert "第6题" not in ""  # q6 is optional: shown but not required
    assert Response.objects.count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"age": 1}, "提交过快"),
        ({"age": 2 * 86400}, "页面已过期"),
        ({"stamp": "forged:stamp"}, "页面已失效"),
        ({"homepage": "http://spam.example"}, "提交未被接受"),
        ({"client_key": "short"}, "答卷标识不正确"),
        ({"stamp": None}, "页面已失效"),
    ],
)
def test_a_refused_sheet_gets_a_chinese_message_and_stores_nothing(client, target, change, message):
    change = dict(change)
    age = change.pop("age", 30)
    body = post_body(target, age=age)
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    r = client.post(url(target), body)
    assert r.status_code in (200, 400) and message in r.content.decode()
    assert 'value="b" checked' in r.content.decode()  # what was typed is kept
    assert not Response.objects.exists()


def test_a_stamp_of_another_link_is_refused(client, org, target):
    other = open_survey(org).targets.get()
    body = post_body(target)
    body["stamp"] = forms_public.served_stamp(other.slug, time.time() - 30)
    assert "页面已失效" in client.post(url(target), body).content.decode()
    assert not Response.objects.exists()


def test_an_address_stores_a_limited_number_of_sheets_per_link(client, org, target, settings):
    settings.DUBAN_SURVEY_SUBMITS_PER_IP = 3
    for _ in range(3):
        assert client.post(url(target), post_body(target), REMOTE_ADDR="10.1.1.1").status_code == 302
    r = client.post(url(target), post_body(target), REMOTE_ADDR="10.1.1.1")
    assert r.status_code == 429 and "本设备提交的答卷过多" in r.content.decode()
    assert Response.objects.count() == 3
    # another address, another link: not affected
    assert client.post(url(target), post_body(target), REMOTE_ADDR="10.1.1.2").status_code == 302
    other = open_survey(org).targets.get()
    assert client.post(url(other), post_body(other), REMOTE_ADDR="10.1.1.1").status_code == 302


def test_wrong_sheets_do_not_use_up_the_limit(client, target, settings):
    settings.DUBAN_SURVEY_SUBMITS_PER_IP = 1
    for _ in range(3):
        client.post(url(target), post_body(target, q2=None))
    assert client.post(url(target), post_body(target)).status_code == 302


@pytest.mark.parametrize(
    "status, days", [(SurveyStatus.CLOSED, 30), (SurveyStatus.DRAFT, 30), (SurveyStatus.OPEN, -5)]
)
def test_a_round_not_collecting_shows_a_plain_notice(client, org, status, days):
    target = open_survey(org, status=status, days=days).targets.get()
    r = client.get(url(target))
    html = r.content.decode()
    assert r.status_code == 200 and "本次测评未在收集期内" in html and "<form" not in html
    r = client.post(url(target), post_body(target))
    assert "本次测评未在收集期内" in r.content.decode() and not Response.objects.exists()


def test_an_unknown_link_is_a_bare_404_like_any_other(client, target):
    bodies = set()
    for path in (
        reverse("survey_public:answer", args=[services.new_slug()]),
        reverse("survey_public:answer", args=[target.slug[:-1] + ("A" if target.slug[-1] != "A" else "B")]),
        reverse("survey_public:answer", args=["1"]),
        reverse("survey_public:thanks", args=[services.new_slug()]),
        "/s/",
        "/s/x/y/z/",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        bodies.add(r.content)
    assert len(bodies) == 1
    assert "页面不存在" in bodies.pop().decode()


def test_links_and_codes_are_random_and_long():
    slugs = {services.new_slug() for _ in range(500)}
    codes = {services.new_token_code() for _ in range(500)}
    assert len(slugs) == 500 and all(re.fullmatch(r"[A-Za-z0-9_-]{16}", s) for s in slugs)
    assert len(codes) == 500 and all(len(c) == 8 for c in codes)


# --- token rounds -------------------------------------------------------------------------------


@pytest.fixture
def token_target(org):
    return open_survey(org, mode=SurveyMode.TOKEN).targets.get()


def test_a_token_round_asks_for_the_code_first(client, org, token_target):
    token = issue_tokens(org, token_target, 1)[0]
    r = client.get(url(token_target))
    assert "请输入答题码" in r.content.decode() and 'name="q1"' not in r.content.decode()
    r = client.get(url(token_target), {"t": token.code.lower()[:4] + "-" + token.code.lower()[4:]})
    html = r.content.decode()
    assert 'name="q1"' in html and f'value="{token.code}"' in html
    r = client.post(url(token_target), post_body(token_target, token=token.code))
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.used_at is not None and token.response.target == token_target


def test_a_used_code_is_refused_and_stores_nothing(client, org, token_target):
    token = issue_tokens(org, token_target, 1)[0]
    client.post(url(token_target), post_body(token_target, token=token.code))
    r = client.get(url(token_target), {"t": token.code})
    assert "答题码不正确或已使用" in r.content.decode()
    r = client.post(url(token_target), post_body(token_target, token=token.code))
    assert "已使用" in r.content.decode()
    assert Response.objects.count() == 1


def test_wrong_codes_are_limited_per_address(client, org, token_target, settings):
    settings.DUBAN_SURVEY_TOKEN_TRIES_PER_IP = 3
    token = issue_tokens(org, token_target, 1)[0]
    for _ in range(2):
        assert "答题码不正确" in client.get(url(token_target), {"t": "WRONG234"}).content.decode()
    r = client.post(url(token_target), post_body(token_target, token="WRONG234"))
    assert "答题码不正确" in r.content.decode()
    r = client.get(url(token_target), {"t": token.code})
    assert r.status_code == 429 and "答题码输错次数过多" in r.content.decode()
    r = client.post(url(token_target), post_body(token_target, token=token.code))
    assert r.status_code == 429 and not Response.objects.exists()
    # another address may
    assert client.get(url(token_target), {"t": token.code}, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_a_voided_code_is_refused(client, org, token_target):
    token = issue_tokens(org, token_target, 1)[0]
    Token.objects.filter(pk=token.pk).update(voided_at=token.issued_at)
    assert "答题码不正确" in client.get(url(token_target), {"t": token.code}).content.decode()
    client.post(url(token_target), post_body(token_target, token=token.code))
    assert not Response.objects.exists()


# --- nothing else on the public pages -------------------------------------------------------------

STAFF_PATHS = ("/tasks/", "/surveys/", "/accounts/", "/dashboards/", "/org/", "/admin/", "/api/", "/audit/")
VARYING = re.compile(r'(name="(csrfmiddlewaretoken|client_key|stamp|token|t)" value=")[^"]*"')


def _public_pages(client, org, target, token_target):
    """Every public page and answer: GETs, wrong POSTs, refusals, 404s, a closed round, tokens."""
    token = issue_tokens(org, token_target, 2)[0]
    closed = open_survey(org, status=SurveyStatus.CLOSED).targets.get()
    out = [
        client.get(url(target)),
        client.post(url(target), post_body(target, q2=None)),
        client.post(url(target), post_body(target, age=1)),
        client.post(url(target), {"q1": "zz", "q2": "99", "stamp": "x", "client_key": "x" * 20}),
        client.post(url(target), {}),
        client.get(reverse("survey_public:thanks", args=[target.slug])),
        client.get(reverse("survey_public:answer", args=[services.new_slug()])),
        client.get("/s/unknown/path/"),
        client.get(url(closed)),
        client.get(url(token_target)),
        client.get(url(token_target), {"t": "WRONG234"}),
        client.get(url(token_target), {"t": token.code}),
        client.post(url(token_target), post_body(token_target, token="WRONG234")),
        client.post(url(token_target), post_body(token_target, token=token.code, q2=None)),
    ]
    return out


def _normalised(responses) -> list[bytes]:
    return [VARYING.sub(r'\1"', r.content.decode()).encode() for r in responses]


def test_the_public_pages_show_nothing_of_the_commission(client, org, target, token_target):
    from org.models import Unit, User

    shown_units = {target.unit.name}
    for _ in range(3):  # responses stored: no page may count them
        client.post(url(target), post_body(target))
    before = _normalised(_public_pages(client, org, target, token_target))
    pages = _public_pages(client, org, target, token_target)
    for _ in range(4):
        client.post(url(target), post_body(target))
    after = _normalised(_public_pages(client, org, target, token_target))
    assert before == after, "a public page changed with the number of responses"
    others = [u.name for u in Unit.objects.exclude(name__in=shown_units) if u.name not in target.unit.name]
    usernames = list(User.objects.values_list("username", flat=True))
    full_names = [n for n in User.objects.values_list("full_name", flat=True) if n]
    ids = {str(target.pk), str(target.survey.pk), str(target.survey.version.pk)}
    for r in pages:
        html = r.content.decode()
        assert r.status_code in (200, 302, 400, 404, 429)
        assert not [n for n in others if n in html], r.request["PATH_INFO"]
        assert not [u for u in usernames if re.search(rf"\b{re.escape(u)}\b", html)]
        assert not [n for n in full_names if n in html]
        assert not [p for p in STAFF_PATHS if re.search(rf"(?<!/static){p}", html)]
        attributes = re.findall(r'(?:href|action|src|data-[a-z-]*id|data-survey-[a-z]+)="([^"]*)"', html)
        assert not [a for a in attributes if a in ids or re.search(r"/\d+/", a)], (ids, attributes)
        assert "Set-Cookie" not in r or "sessionid" not in r["Set-Cookie"]


def test_the_submission_path_is_lean(client, target, django_assert_max_num_queries):
    """The bench's path (bench/survey.py): the page one query, a new sheet five (the link with its
    round and version, BEGIN, the response, its answers in one insert, COMMIT — a new sheet is not
    looked up first: only a re-send or a refusal looks for an earlier one)."""
    with django_assert_max_num_queries(1):
        assert client.get(url(target)).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.post(url(target), post_body(target, q5=["a", "b"], q7="好")).status_code == 302


def test_a_refused_security_check_shows_a_public_page(target):
    """A sheet without its CSRF token (a page kept open past its cookie, a cross-site post): 403
    with the public pages' own notice — nothing stored, no way into the staff side."""
    browser = Client(enforce_csrf_checks=True)
    body = {k: v for k, v in post_body(target).items() if k != "csrfmiddlewaretoken"}
    r = browser.post(url(target), body)
    html = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in html
    assert "返回登录" not in html and "/accounts/" not in html
    assert not Response.objects.exists()


def test_the_staff_keep_their_own_refused_check_page(org):
    browser = Client(enforce_csrf_checks=True)
    r = browser.post(reverse("org:login"), {"username": "x", "password": "y"})
    assert r.status_code == 403 and "返回登录" in r.content.decode()
