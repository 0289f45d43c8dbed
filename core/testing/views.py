"""Generic view tests in the NetBox manner (utilities/testing/views.py's ViewTestCases).

Each URL name of the project is declared once, as an `Endpoint`: its URL (kwargs taken from the
world of 甲一县 records the tests build), the in-scope user who may use it, what its page shows
about the record, and — for an action — a valid POST body, an invalid one (what a user could
really send wrong), and how to see that the state changed. A test class declares
`endpoints = [...]` and inherits from `ViewTestCase`:

    class TestTaskViews(ViewTestCase):
        endpoints = TASK_ENDPOINTS

It then checks, for each endpoint:
- GET: the insider gets the declared status (200: the page shows the record); anonymous → the
  login page;
- POST valid: the declared state changes and exactly `audits` audit entries are written;
- POST invalid: nothing changes (no audit entry either), the page answers with the form and a
  Chinese error;
and `outsider_failures` (used by tests/test_scope_matrix.py for every outsider) checks that users
of other units are refused and change nothing, with the same valid bodies.

Every endpoint runs inside a savepoint that is rolled back (`rolled_back()`): the world is built
once per test, and an action's `prepare` (a state it needs, e.g. an unsigned assignment) and its
POST leave nothing behind for the next endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from audit.models import AuditEvent
from core import clock, scoping
from org.models import User

World = dict[str, Any]
CJK = re.compile(r"[\u4e00-\u9fff]")
# scope kinds: what an outsider (a user of another unit) must get
RECORD = "record"  # about one 甲一县 record: 403/404/405
LISTING = "list"  # a page of no particular record: 200/302/403/405, none of 甲一县's records on it
GLOBAL = "global"  # one for the installation: only the declared `editors` may, others 403/404/405
PUBLIC = "public"  # open to anybody (login, the API schema): no outsider check
SELF = "self"  # about the signed-in user only (password change, mark all read): no outsider check


@dataclass(frozen=True)
class Endpoint:
    """One URL name, declared once. Callables receive the world (a dict of records)."""

    name: str
    kwargs: Callable[[World], dict] | None = None
    query: Callable[[World], dict] | None = None  # the URL's query string (?problem=…)
    scope: str = RECORD
    insider: str = "county_a_clerk"
    get: int | None = 200  # the insider's GET status; None: a POST-only button (405)
    shows: Callable[[World], str] | str | None = None  # text the insider's GET page carries
    prepare: Callable[[World], World | None] | None = None  # run in the savepoint, before requests
    valid: Callable[[World], dict] | None = None  # a POST body the insider may send
    # read before and after: a valid POST changes it (None: the action changes no record — a
    # re-check, a verification — and its audit entry is the evidence)
    state: Callable[[World], Any] | None = None
    audits: int = 1  # audit entries a valid POST writes (say why in a comment when not 1)
    invalid: Callable[[World], dict] | None = None  # a body a user could send wrong
    # how an invalid body is refused: "form" (the form again, 200, the error on it) or "message"
    # (the error in the page's messages: a button goes back to where it came from, a page of rows
    # without one form shows itself again)
    refusal: str = "form"
    editors: frozenset[str] = field(default_factory=frozenset)  # outsiders who may (GLOBAL)
    why: str = ""  # why no valid or invalid body is declared (a button without fields …)

    def url(self, world: World) -> str:
        url = reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else {})
        return f"{url}?{urlencode(self.query(world))}" if self.query else url


@contextmanager
def rolled_back():
    """A savepoint undone at the end: what a block writes is gone for the next one (and a
    `prepare` that travelled in time comes back to today)."""
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        clock.reset()


def _prepared(endpoint: Endpoint, world: World) -> World:
    if endpoint.prepare is None:
        return world
    return {**world, **(endpoint.prepare(world) or {})}


def _login(client, username: str | None):
    client.logout()
    if username:
        user = User.objects.get(username=username)
        scoping.clear_cache(user)
        client.force_login(user)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _audits() -> int:
    return AuditEvent.objects.count()


def _forms_with_errors(response) -> list:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and not value.is_valid():
                if value not in found:
                    found.append(value)
    return found


def _error_texts(form) -> list[str]:
    if isinstance(form, BaseFormSet):
        texts = list(form.non_form_errors())
        for sub in form.forms:
            texts += [e for errors in sub.errors.values() for e in errors]
        return texts
    return [e for errors in form.errors.values() for e in errors]


# --- the checks: each answers a list of failures (empty: all well) ------------------------------


def get_failures(client, endpoint: Endpoint, world: World) -> list:
    with rolled_back():
        world = _prepared(endpoint, world)
        url = endpoint.url(world)
        _login(client, endpoint.insider)
        response = client.get(url)
        expected = endpoint.get or 405
        if response.status_code != expected:
            return [(endpoint.name, "GET", endpoint.insider, response.status_code, f"expected {expected}")]
        shows = endpoint.shows(world) if callable(endpoint.shows) else endpoint.shows
        if shows and expected == 200 and escape(shows).encode() not in _body(response):
            return [(endpoint.name, "GET", endpoint.insider, f"the page does not show {shows!r}")]
    return []


def anonymous_failures(client, endpoint: Endpoint, world: World) -> list:
    if endpoint.scope == PUBLIC:
        return []
    failures = []
    with rolled_back():
        world = _prepared(endpoint, world)
        client.logout()
        url = endpoint.url(world)
        for method in ("get", "post") if endpoint.valid or endpoint.get is None else ("get",):
            response = getattr(client, method)(url)
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(reverse("org:login")):
                failures.append((endpoint.name, method, "anonymous", response.status_code, location))
    return failures


def valid_failures(client, endpoint: Endpoint, world: World) -> list:
    if endpoint.valid is None:
        return []
    with rolled_back():
        world = _prepared(endpoint, world)
        _login(client, endpoint.insider)
        state = endpoint.state or (lambda world: None)
        before, audits = state(world), _audits()
        response = client.post(endpoint.url(world), endpoint.valid(world))
        after, written = state(world), _audits() - audits
        actions = list(AuditEvent.objects.order_by("-pk").values_list("action", flat=True)[: max(written, 0)])
        failures = []
        if response.status_code not in (200, 302):
            failures.append((endpoint.name, "valid POST", response.status_code))
        if endpoint.state is not None and after == before:
            failures.append((endpoint.name, "valid POST changed nothing", before, _errors(response)))
        if written != endpoint.audits:
            failures.append(
                (endpoint.name, f"valid POST wrote {written} audit entries, not {endpoint.audits}", actions)
            )
    return failures


def _errors(response) -> list:
    return [_error_texts(f) for f in _forms_with_errors(response)] if response.status_code == 200 else []


def invalid_failures(client, endpoint: Endpoint, world: World) -> list:
    if endpoint.invalid is None:
        return []
    with rolled_back():
        world = _prepared(endpoint, world)
        _login(client, endpoint.insider)
        state = endpoint.state or (lambda world: None)
        before, audits = state(world), _audits()
        follow = endpoint.refusal == "message"
        response = client.post(endpoint.url(world), endpoint.invalid(world), follow=follow)
        failures = []
        if state(world) != before or _audits() != audits:
            failures.append((endpoint.name, "invalid POST changed something"))
        if response.status_code != 200:
            return [*failures, (endpoint.name, "invalid POST", response.status_code)]
        texts = _refusal_texts(response) if follow else _form_error_texts(response)
        body = response.content.decode()
        if not texts or not all(CJK.search(t) for t in texts):
            failures.append((endpoint.name, "invalid POST: no Chinese error on the form", texts))
        elif not any(escape(t) in body for t in texts):
            failures.append((endpoint.name, "invalid POST: the error is not on the page", texts))
    return failures


def _form_error_texts(response) -> list[str]:
    texts = [t for form in _forms_with_errors(response) for t in _error_texts(form)]
    for context in response.context or []:
        texts += list(context.get("import_errors") or [])  # an import's row messages
    return texts


def _refusal_texts(response) -> list[str]:
    from django.contrib.messages import ERROR

    return [str(m) for m in response.context.get("messages", []) if m.level == ERROR]


def outsider_failures(client, endpoint: Endpoint, world: World, outsider: str, snapshot) -> list:
    """An outsider GETs and POSTs (the declared valid body) and gets nothing: `snapshot()` is the
    same after, and no 甲一县 record (`mark`) leaks onto a LISTING page."""
    if endpoint.scope in (PUBLIC, SELF) or outsider in endpoint.editors:
        return []
    failures = []
    with rolled_back():
        world = _prepared(endpoint, world)
        _login(client, outsider)
        before = snapshot()
        url = endpoint.url(world)
        body = endpoint.valid(world) if endpoint.valid else {}
        for method, data in (("get", None), ("post", body)):
            response = getattr(client, method)(url, data)
            if endpoint.scope in (RECORD, GLOBAL):
                if response.status_code not in (403, 404, 405):
                    failures.append((outsider, endpoint.name, method, response.status_code))
            else:
                failures += _listing_failures(outsider, endpoint, method, response)
        if snapshot() != before:
            failures.append((outsider, endpoint.name, "changed something"))
    return failures


MARK = "甲一县专属"  # every record of the world carries this in its visible text


def _listing_failures(outsider, endpoint, method, response) -> list:
    if response.status_code not in (200, 302, 403, 405):
        return [(outsider, endpoint.name, method, response.status_code)]
    body = _body(response)
    out = []
    if MARK.encode() in body:
        out.append((outsider, endpoint.name, method, "leaks 甲一县 records"))
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html") and re.search(rb"\{[#%]|[#%]\}", body):
        out.append((outsider, endpoint.name, method, "raw template tag"))
    if content_type.startswith("application/vnd.openxmlformats") and MARK in xlsx_text(body):
        out.append((outsider, endpoint.name, method, "export leaks"))
    return out


def xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
    )


# --- the inherited tests -------------------------------------------------------------------------


@pytest.mark.django_db
class ViewTestCase:
    """Declare `endpoints` and a `world` fixture (the records); inherit the four tests. Each test
    goes through every endpoint and reports all failures at once."""

    endpoints: list[Endpoint] = []

    def _run(self, check, client, world):
        failures = [f for endpoint in self.endpoints for f in check(client, endpoint, world)]
        assert not failures, "\n".join(map(str, failures))

    def test_get(self, client, world):
        self._run(get_failures, client, world)

    def test_anonymous_goes_to_login(self, client, world):
        self._run(anonymous_failures, client, world)

    def test_valid_post_changes_state_and_audits(self, client, world):
        self._run(valid_failures, client, world)

    def test_invalid_post_changes_nothing(self, client, world):
        self._run(invalid_failures, client, world)


# --- small declaration helpers -------------------------------------------------------------------


def rows(model, **filters) -> Callable[[World], int]:
    """state: how many rows of `model` match (filters may be callables of the world)."""

    def count(world):
        return model._default_manager.filter(
            **{k: (v(world) if callable(v) else v) for k, v in filters.items()}
        ).count()

    return count


def value(key: str, *attrs: str) -> Callable[[World], tuple]:
    """state: fields of the world's record `key`, read afresh from the database."""

    def read(world):
        obj = world[key]
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        return tuple(getattr(fresh, a) for a in attrs)

    return read


def pk(key: str, name: str = "pk") -> Callable[[World], dict]:
    """kwargs: {name: world[key].pk}."""
    return lambda world: {name: world[key].pk}


def workbook(header: list, rows: list, name: str = "导入.xlsx"):
    """An .xlsx upload: the header row, then the rows."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())
