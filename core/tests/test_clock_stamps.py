"""Records made while the application clock has moved carry that clock's time (demo histories,
end-to-end walks): created_at / updated_at follow core.clock, not the wall clock."""

import datetime as dt

import pytest
from django.utils import timezone

from core import clock
from core.testing import make_task

pytestmark = pytest.mark.django_db


def test_created_and_updated_at_follow_the_application_clock(org):
    clock.travel(days=-30)
    task = make_task(org)
    assert abs(task.created_at - clock.now()) < dt.timedelta(minutes=1)
    assert task.created_at < timezone.now() - dt.timedelta(days=29)
    clock.travel(days=10)
    task.title = "改名"
    task.save()
    task.refresh_from_db()
    assert task.updated_at - task.created_at > dt.timedelta(days=9)
