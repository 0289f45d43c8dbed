"""The queue runs for real: a job enqueued on Huey is picked up by a real consumer (threads, not
immediate mode) and its effect lands in the database — on the embedded SQLite store and on Redis.

The suite runs with DUBAN_QUEUE_IMMEDIATE=1, so the Huey instances here are built explicitly;
the job is the real reminder scan of tasks/tasks.py.
"""

import datetime as dt
import os
import uuid

import pytest
from django.db import connections
from huey import RedisHuey, SqliteHuey

from core import clock
from core.management.commands.serve import start_embedded_consumer
from core.testing import build_org, make_task
from notifications.models import Message
from tasks import services
from tasks.models import Assignment, TaskCategory, WorkdayOverride
from tasks.tasks import run_reminders

# transaction=True: the worker threads read what the test wrote. Such tests end with a flush,
# which keeps roles (synced after migrate) but not data-migration rows: categories are ensured here.
pytestmark = pytest.mark.django_db(transaction=True)


def reminder_job():
    """What the worker thread runs: the real scan, then close this thread's connections."""
    try:
        return run_reminders()
    finally:
        connections.close_all()


def _due_in_seven_days():
    TaskCategory.objects.get_or_create(name="公共卫生")
    for i in range(-3, 20):
        WorkdayOverride.objects.update_or_create(
            date=clock.today() + dt.timedelta(days=i), defaults={"is_workday": True}
        )
    org = build_org()
    task = make_task(org, title="基本公共卫生建档", lead="county_a", days=7)
    services.assignment_sign(actor=org.user("county_a_clerk"), assignment=Assignment.objects.get(task=task))
    Message.objects.all().delete()
    return org


def _run_through_consumer(huey):
    job = huey.task(name=f"reminders-{uuid.uuid4().hex[:8]}")(reminder_job)
    consumer, thread = start_embedded_consumer(huey, workers=1)
    try:
        result = job()
        counts = result.get(blocking=True, timeout=20)
    finally:
        consumer.stop(graceful=True)
        thread.join(timeout=10)
    return counts


def test_sqlite_queue_runs_the_reminder_job(tmp_path):
    org = _due_in_seven_days()
    huey = SqliteHuey(name="duban-test", filename=str(tmp_path / "queue.sqlite3"), immediate=False)
    counts = _run_through_consumer(huey)
    assert counts["reminders"] == 1
    assert Message.objects.filter(
        recipient=org.user("county_a_clerk"), kind="reminder", title__contains="还有7天到期"
    ).exists()
    assert huey.pending_count() == 0


def test_redis_queue_runs_the_reminder_job():
    org = _due_in_seven_days()
    name = f"duban-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    url = os.environ.get("DUBAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    huey = RedisHuey(name=name, url=url, immediate=False, blocking=True, read_timeout=1)
    try:
        counts = _run_through_consumer(huey)
        assert counts["reminders"] == 1
        assert Message.objects.filter(recipient=org.user("county_a_head"), kind="reminder").count() == 1
        assert huey.pending_count() == 0
    finally:
        huey.storage.flush_all()
        leftover = huey.storage.conn.keys(f"huey.*{name}*")
        if leftover:
            huey.storage.conn.delete(*leftover)
        assert not huey.storage.conn.keys(f"huey.*{name}*")
