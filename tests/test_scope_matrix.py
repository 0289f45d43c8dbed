"""R-ORG-3, proven for every endpoint: a user outside the scope gets nothing.

Every URL pattern of the project is declared once in tests/views/ (an `Endpoint`: its URL, the
in-scope user who may use it, a valid and an invalid POST body; a new page without a declaration
fails `test_every_endpoint_is_in_the_matrix`). There the inherited view tests prove the insider
gets the page and the actions work; here, for each endpoint, users of other units — a sibling
county's head, a county of another city, and 乙市's own administrators, supervisor and auditor —
request it (GET, and POST with the declared valid body) about records that belong to 甲一县 and
get 403/404 or a page without any of those records; nothing in the database changes.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from core.testing.views import MARK, outsider_failures
from notifications.models import Message
from org.models import RoleAssignment, User
from tasks.models import SavedFilter, TaskEvent, WorkdayOverride
from tests.views import ENDPOINTS
from tests.views.world import OUTSIDERS, build_world

pytestmark = pytest.mark.django_db


def all_url_names():
    names = []

    def walk(patterns, ns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or ns)
            elif isinstance(p, URLPattern) and p.name:
                names.append(f"{ns}:{p.name}" if ns else p.name)

    walk(get_resolver().url_patterns, "")
    return [n for n in names if not n.startswith("api:")]


def test_every_endpoint_is_in_the_matrix():
    missing = sorted(set(all_url_names()) - set(ENDPOINTS))
    assert not missing, f"declare these endpoints in tests/views/: {missing}"
    assert not sorted(set(ENDPOINTS) - set(all_url_names())), "declared, but no such URL name"


def snapshot():
    """Every write of a service is audited: the audit log without records of looking (logins,
    exports, downloads), and the few tables written without an audit entry."""
    return (
        TaskEvent.objects.count(),
        SavedFilter.objects.count(),
        WorkdayOverride.objects.count(),
        Message.objects.filter(read_at__isnull=False).count(),
        RoleAssignment.objects.count(),
        AuditEvent.objects.exclude(action="auth.login")
        .exclude(action__endswith=".exported")
        .exclude(action__endswith=".downloaded")
        .count(),
    )


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_get_nothing_of_county_a(org, client, outsider):
    world = build_world(org)
    failures = []
    for endpoint in ENDPOINTS.values():
        failures += outsider_failures(client, endpoint, world, outsider, snapshot)
    assert not failures, "\n".join(map(str, failures))


# --- the API (R-API-1): the same scope, role by role ---------------------------------------------

API_OBJECTS = {  # router basename → the 甲一县 record its detail endpoint is asked for
    "unit": "unit",
    "user": "user",
    "task": "task",
    "assignment": "assignment",
    "directive": "directive",
    "report": "report",
}


def api_basenames():
    from config.api_urls import router

    return [basename for _prefix, _viewset, basename in router.registry]


def test_every_api_endpoint_is_in_the_matrix():
    assert not sorted(set(api_basenames()) - set(API_OBJECTS)), "add the API endpoint to API_OBJECTS"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_api_outsiders_get_nothing_of_county_a(org, client, outsider):
    world = build_world(org)
    client.force_login(User.objects.get(username=outsider))
    for basename, key in API_OBJECTS.items():
        listing = client.get(reverse(f"api:{basename}-list"), {"page_size": 500})
        assert listing.status_code in (200, 403), (outsider, basename, listing.status_code)
        if listing.status_code == 200:
            ids = {row["id"] for row in listing.json()["results"]}
            assert world[key].pk not in ids, (outsider, basename, "lists a 甲一县 record")
            assert MARK not in listing.content.decode(), (outsider, basename)
        detail = client.get(reverse(f"api:{basename}-detail", kwargs={"pk": world[key].pk}))
        assert detail.status_code in (403, 404), (outsider, basename, detail.status_code)


def test_api_insider_sees_the_records(org, client):
    world = build_world(org)
    client.force_login(org.user("county_a_head"))
    for basename, key in API_OBJECTS.items():
        if basename == "user":
            continue  # accounts are for the administrators, not for a unit head
        response = client.get(reverse(f"api:{basename}-detail", kwargs={"pk": world[key].pk}))
        assert response.status_code == 200, (basename, response.status_code)
