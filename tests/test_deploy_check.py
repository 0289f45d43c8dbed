"""Production settings pass `manage.py check --deploy` with no warnings (docs/deployment.md)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _check_deploy(tmp_path, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DUBAN_DEBUG",
            "DUBAN_HTTPS",
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    base.update(DUBAN_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _check_deploy(
        tmp_path,
        DUBAN_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="postgres://duban@127.0.0.1:5432/duban",
        ALLOWED_HOSTS="duban.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_a_plain_http_configuration(tmp_path):
    """Without DUBAN_HTTPS the same check warns (secure cookies, HSTS, SSL redirect): the test
    above passes because of the settings, not because the check is silent."""
    result = _check_deploy(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL="postgres://duban@127.0.0.1:5432/duban",
        ALLOWED_HOSTS="duban.example.gov.cn",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # HSTS
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE


def test_generated_secret_key_is_kept_in_the_data_directory(tmp_path):
    """Without SECRET_KEY the key is generated once into DUBAN_DATA_DIR (mode 600) and reused."""
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DUBAN_DATA_DIR"] = str(tmp_path / "data")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    first, second = run(), run()
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    key = first.stdout.strip().splitlines()[-1]
    assert key == second.stdout.strip().splitlines()[-1] == key_file.read_text().strip()
    assert len(key) >= 50
