"""Issue 8, "500 instead of an answer": every form of the product answers bad input with a message.

Every URL pattern whose view accepts POST (enumerated from the resolver, so a new form is covered
without editing this file) is posted, by a user who may use it, (a) an empty body and (b) every
field of its rendered form set to garbage. The answer is never a 500: a 4xx, the form again with
an error, or a redirect. A garbage post that is not accepted (no redirect) changes nothing: no
object and no audit entry.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from core.testing.views import PUBLIC
from org.models import User
from tests.views import ENDPOINTS
from tests.views.world import build_world

pytestmark = pytest.mark.django_db

GARBAGE = ["x" * 5000, "-1", "9999-99-99", "<script>alert(1)</script>", "abc"]
# who tries the forms, in this order: the first one the page opens for (200 with a form) posts
USERS = [
    "sysadmin",
    "secadmin",
    "prov_supervisor",
    "city_a_supervisor",
    "county_a_head",
    "county_a_clerk",
    "auditor",
    "city_b_security",
]
READ_ACTIONS = ("auth.", ".exported", ".downloaded", ".viewed")


class _Fields(HTMLParser):
    """Names of the fields of the page's POST forms (input, select, textarea)."""

    def __init__(self):
        super().__init__()
        self.in_post_form = False
        self.names: set[str] = set()
        self.has_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
            self.has_form |= self.in_post_form
        elif self.in_post_form and tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs["name"] != "csrfmiddlewaretoken":
                self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


def post_patterns():
    """(url name, view class or function) of every pattern whose view accepts POST."""
    out = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{ns}:{p.name}" if ns else p.name
                view = getattr(p.callback, "view_class", None)
                if view is None or (hasattr(view, "post") and "post" in view.http_method_names):
                    out.append(name)

    walk(get_resolver().url_patterns, "")
    return [n for n in out if not n.startswith("api:")]


def snapshot():
    counts = tuple(
        m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label
        in ("org", "tasks", "reporting", "supervision", "rectification", "documents", "notifications")
    )
    audit = AuditEvent.objects.exclude(action__startswith="auth.")
    for suffix in READ_ACTIONS[1:]:
        audit = audit.exclude(action__endswith=suffix)
    return counts, audit.count()


def _url(name, world):
    endpoint = ENDPOINTS[name]
    try:
        return endpoint.url(world)
    except KeyError:  # about a record the declaration prepares (an unsigned assignment …)
        world.update(endpoint.prepare(world) or {})
        return endpoint.url(world)


def _declared_fields(name) -> set[str]:
    """The fields the view's form class declares (action forms are rendered on another page)."""
    view = getattr(get_resolver().resolve(reverse(name, kwargs=_fake_kwargs(name))).func, "view_class", None)
    form_class = getattr(view, "form_class", None)
    return set(getattr(form_class, "base_fields", {}) or {})


def _fake_kwargs(name):
    pattern = next(p for p in _patterns() if p[0] == name)[1]
    return dict.fromkeys(pattern.pattern.converters, 1)


def _patterns():
    out = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                out.append((f"{ns}:{p.name}" if ns else p.name, p))

    walk(get_resolver().url_patterns, "")
    return out


def _page_fields(client, url):
    page = client.get(url)
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        return None
    parser = _Fields()
    parser.feed(page.content.decode(errors="replace"))
    return parser.names if parser.has_form else None


def _form_user(client, url, name):
    """The first user the page opens for with a POST form (else the first one whose post is not
    refused), and the form's field names (rendered, and declared by the view's form class)."""
    declared = _declared_fields(name)
    if ENDPOINTS[name].scope == PUBLIC:
        client.logout()
        return None, (_page_fields(client, url) or set()) | declared
    users = [User.objects.get(username=u) for u in USERS]
    for user in users:
        client.force_login(user)
        fields = _page_fields(client, url)
        if fields is not None:
            return user, fields | declared
    for user in users:
        answer = _post(client, user, url, {})
        if not isinstance(answer, int) or answer not in (403, 404, 405):
            return user, declared
    return users[0], declared


def _post(client, user, url, data):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    try:
        return client.post(url, data).status_code
    except Exception as exc:  # the test client re-raises a view's exception: that is the 500
        return f"500 {type(exc).__name__}: {exc}"[:300]


def _draft(org, world):
    """A 交办函 still in draft, so its edit form opens."""
    from documents import builders
    from documents import services as dsvc
    from rectification.models import Problem
    from rectification.tests.factories import new_problem

    problem = new_problem(org, unit="county_a", found_by="city_a", actor="city_a_supervisor")
    draft = builders.assignment_letter(
        issuer=org.unit("city_a"),
        recipient=org.unit("county_a"),
        problems=Problem.objects.filter(pk=problem.pk),
        campaign=world["campaign"],
    )
    return dsvc.document_draft(
        actor=org.user("city_a_supervisor"),
        kind="letter",
        org_unit=org.unit("city_a"),
        draft=draft,
        recipient=org.unit("county_a"),
        campaign=world["campaign"],
        problems=[problem],
    )


def test_every_post_endpoint_is_known():
    assert not sorted(set(post_patterns()) - set(ENDPOINTS)), "declare the endpoint in tests/views/"


def test_no_form_answers_garbage_with_a_500(org, client):
    world = build_world(org)
    world["document"] = _draft(org, world)
    failures, exercised = [], []
    urls = {name: _url(name, world) for name in post_patterns()}  # before any post changes the world
    for name in post_patterns():
        if name in ("org:logout",):
            continue
        url = urls[name]
        user, fields = _form_user(client, url, name)
        exercised += [name] if fields else []
        answer = _post(client, user, url, {})
        if not isinstance(answer, int) or answer >= 500:
            failures.append((name, "empty body", answer))
        for value in GARBAGE if fields else ():  # a button without fields: the empty body was all
            before = snapshot()
            answer = _post(client, user, url, dict.fromkeys(fields, value))
            if not isinstance(answer, int) or answer >= 500:
                failures.append((name, value[:12], answer))
            elif answer != 302 and snapshot() != before:
                failures.append((name, value[:12], "refused, yet something changed"))
    assert not failures, "\n".join(map(str, failures))
    print(len(exercised), sorted(exercised))
    # not vacuous: the forms the issue names are among those posted with every field filled
    assert {"tasks:task_update", "documents:document_edit", "tasks:task_decompose"} <= set(exercised)
    assert len(exercised) >= 40


@pytest.mark.parametrize("decision", ["", "-1", "abc", "<script>"])
def test_a_decision_that_is_no_button_is_refused(org, client, decision):
    """审核办结 / 审批延期 decide by the button pressed: any other value was taken as 退回."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.testing import make_task
    from reporting import services as rsvc
    from tasks import services as tsvc

    task = make_task(org, lead="county_a")
    a = task.assignments.get()
    clerk = org.user("county_a_clerk")
    tsvc.assignment_sign(actor=clerk, assignment=a)
    extension = tsvc.extension_request(
        actor=clerk, assignment=a, reason="汛期", new_due_date=task.due_date + dt.timedelta(days=10)
    )
    rsvc.attachments_store_many(
        actor=clerk,
        uploads=[SimpleUploadedFile("佐证.pdf", b"%PDF-1.4\n%%EOF")],
        assignment=a,
        purpose="evidence",
    )
    tsvc.assignment_request_completion(actor=clerk, assignment=a, note="已完成")
    client.force_login(org.user("prov_supervisor"))
    before = snapshot()
    for url in (
        reverse("tasks:assignment_verify", args=[a.pk]),
        reverse("tasks:extension_decide", args=[extension.pk]),
    ):
        response = client.post(url, {"decision": decision, "note": "意见"})
        assert response.status_code == 200 and "按钮提交" in response.content.decode(), url
    assert snapshot() == before
    a.refresh_from_db()
    assert a.status == "completion_requested"
