import io
import os

# Tests run queue tasks in-process (Huey's immediate mode); tests/test_queue.py runs the real
# consumer against SQLite and Redis.
os.environ.setdefault("DUBAN_QUEUE_IMMEDIATE", "1")

import pytest

from core import clock


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database as production has it: with planner statistics (R-NF-3). SQLite answered
    some queries wrongly only once statistics existed, and plans differ with them on both databases;
    an empty test database has none. So a small demo province is loaded, ANALYZEd, and flushed: every
    test then starts from empty tables planned with a real province's statistics (a flush keeps
    them: see core.apps)."""
    from django.core.management import call_command
    from django.test import override_settings

    from core.db import analyze

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("stats_media")):
        call_command("load_demo", "--small", stdout=io.StringIO())
        analyze()
        call_command("flush", interactive=False, verbosity=0)
        clock.reset()


@pytest.fixture(autouse=True)
def _reset_clock():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def org(db):
    from core.testing import build_org

    return build_org()


@pytest.fixture
def login(client):
    """login(user) → the Django test client signed in as that user (password-free force_login)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "attachments"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
