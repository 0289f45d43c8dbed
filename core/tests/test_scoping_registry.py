"""core.scoping imports no app: org hands it the grant rows and the Unit model (OrgConfig.ready)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from core import scoping
from org.models import Unit
from org.selectors import grant_rows


def test_org_registers_its_part_when_the_apps_are_ready():
    assert scoping._registered == {"grants": grant_rows, "units": Unit}


def test_scope_without_a_registration_is_improperly_configured(monkeypatch):
    monkeypatch.setattr(scoping, "_registered", {})
    user = SimpleNamespace(is_authenticated=True, is_active=True)
    with pytest.raises(ImproperlyConfigured, match="scoping.use"):
        scoping.grants_for(user, "tasks.view_task")


def test_subtree_q_is_the_range_of_the_path():
    unit = SimpleNamespace(path="000001000009")
    assert scoping.subtree_q(unit, "org_unit") == Q(
        org_unit__path__gte="000001000009", org_unit__path__lt="000001000010"
    )
    assert scoping.subtree_q(unit) == Q(path__gte="000001000009", path__lt="000001000010")
