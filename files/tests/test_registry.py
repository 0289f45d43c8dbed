"""files.selectors.attachments_visible is the union of what the owner apps register."""

import pytest

from files import registry, selectors
from files.models import Attachment

pytestmark = pytest.mark.django_db


def test_every_owner_app_registers_its_files():
    names = [o.name for o in registry.owners()]
    assert names[:2] == ["tasks.assignment", "tasks.milestone"]
    assert {"reporting.report", "rectification.problem"} <= set(names)


def test_no_owner_no_file(org, monkeypatch):
    monkeypatch.setattr(registry, "_OWNERS", {})
    assert selectors.attachments_visible(org.user("prov_supervisor")).query.is_empty()


def test_union_of_owners(org, monkeypatch):
    user = org.user("county_a_clerk")
    make = dict(
        org_unit=org.units["county_a"], content_type="application/pdf", size=1, sm3="0" * 64,
        uploaded_by=user, uploaded_at="2026-12-01T08:00:00+08:00",
    )  # fmt: skip
    a, b, c = (Attachment.objects.create(original_name=n, storage_name=n, **make) for n in "abc")
    owners = {
        "one": registry.Owner("one", lambda u: Attachment.objects.filter(pk=a.pk).values("pk")),
        "two": registry.Owner("two", lambda u: Attachment.objects.filter(pk=b.pk).values("pk")),
    }
    monkeypatch.setattr(registry, "_OWNERS", owners)
    assert set(selectors.attachments_visible(user)) == {a, b}
    assert selectors.attachment_for(user, c.pk) is None
