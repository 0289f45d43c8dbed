import os

# Tests run queue tasks in-process (Huey's immediate mode); tests/test_queue.py runs the real
# consumer against SQLite and Redis.
os.environ.setdefault("DUBAN_QUEUE_IMMEDIATE", "1")

import pytest

from core import clock


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
