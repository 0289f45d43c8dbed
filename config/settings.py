"""督办 settings: one file, driven by the environment.

DATABASE_URL   default: SQLite (WAL) under the data directory; postgres://… for production
REDIS_URL      optional: background queue on Redis instead of the embedded SQLite store
DUBAN_DATA_DIR default: ./var — database, queue, attachments, secret key
SECRET_KEY     default: generated once and kept in the data directory
DUBAN_DEBUG    "1" for development error pages (never in production)
DUBAN_HTTPS    "1" behind TLS: secure cookies, HSTS, SSL redirect
"""

import os
import secrets
from pathlib import Path

import dj_database_url

from core import sqlite as product_sqlite

# before anything imports `sqlite3`: the product's own SQLite library (core/sqlite.py)
product_sqlite.use_bundled()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DUBAN_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DUBAN_DEBUG") == "1"
HTTPS = os.environ.get("DUBAN_HTTPS") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER = TemplatesSetting
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "huey.contrib.djhuey",
    "core",
    "org",
    "audit",
    "notifications",
    "files",
    "tasks",
    "reporting",
    "supervision",
    "rectification",
    "documents",
    "instructions",
    "escalation",
    "surveys",
    "dashboards",
    "demo",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "org.middleware.SessionPolicyMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
# form widgets render through TEMPLATES, so templates/django/forms/ may override Django's own
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'duban.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA optimize=0x10002;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["org.backends.ScopedPermissionBackend"]
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "dashboards:workbench"
LOGOUT_REDIRECT_URL = "org:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "org.passwords.InitialPasswordHasher",  # generated one-time initial passwords of an import only
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "org.passwords.PolicyValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "attachments"  # never served directly: downloads go through a permission check

# Sessions and cookies (R-SEC-1, R-SEC-6)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 3600  # absolute lifetime
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background queue: embedded SQLite store by default, Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("DUBAN_QUEUE_NAME", "duban"),
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "duban",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
# Cache (login rate limits): per process in the embedded default, shared through Redis in production.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
DUBAN_TRUSTED_PROXIES = int(os.environ.get("DUBAN_TRUSTED_PROXIES", "0"))

if os.environ.get("DUBAN_QUEUE_IMMEDIATE") == "1":
    HUEY["immediate"] = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" or HUEY["huey_class"] == "huey.SqliteHuey":
    product_sqlite.check()  # refuses SQLite libraries with known wrong-result bugs

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "督办 API",
    "DESCRIPTION": "卫健系统重大任务督办平台接口（数据权限与页面一致）",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` field with different choice sets: name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tasks.choices.TaskStatus",
        "ProgressReportStatusEnum": "reporting.models.ProgressReport.Status",
    },
}

# Light rule settings (R-WRN-1): yellow when due within N days, or progress behind time by X points.
DUBAN_LIGHT_DUE_SOON_DAYS = int(os.environ.get("DUBAN_LIGHT_DUE_SOON_DAYS", "7"))
DUBAN_LIGHT_BEHIND_POINTS = int(os.environ.get("DUBAN_LIGHT_BEHIND_POINTS", "20"))
DUBAN_REMINDER_DAYS = (7, 1)
# The ladder for red tasks (R-WRN-2): days red at which 催办, 督办单 and 建议问责 are taken
# (提醒 on the day it turns red; 列入通报 when an issued 督办通报 lists it). escalation/services.py.
DUBAN_LADDER_URGE_DAYS = int(os.environ.get("DUBAN_LADDER_URGE_DAYS", "3"))
DUBAN_LADDER_ORDER_DAYS = int(os.environ.get("DUBAN_LADDER_ORDER_DAYS", "7"))
DUBAN_LADDER_ACCOUNTABILITY_DAYS = int(os.environ.get("DUBAN_LADDER_ACCOUNTABILITY_DAYS", "30"))

# Security policy defaults (R-SEC-1); the 安全保密管理员 can change them at run time.
DUBAN_PASSWORD_MIN_LENGTH = 8
DUBAN_LOCKOUT_THRESHOLD = 5
DUBAN_LOCKOUT_MINUTES = 15
DUBAN_IDLE_TIMEOUT_MINUTES = 30
DUBAN_PASSWORD_EXPIRY_DAYS = 90
DUBAN_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
DUBAN_WEBHOOK_URL = os.environ.get("DUBAN_WEBHOOK_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DUBAN_LOG_LEVEL", "WARNING")},
}

# Surveys (issue 13): the public answering pages' limits (surveys/public.py, docs/rules.md)
# sheets submitted per client address per 10 minutes on one open link (a hospital's wifi is one
# address for many patients: generous, with the per-sheet key and the fill time as the other bars)
DUBAN_SURVEY_SUBMITS_PER_IP = int(os.environ.get("DUBAN_SURVEY_SUBMITS_PER_IP", "60"))
# wrong 答题码 tried per client address per 10 minutes before the address must wait
DUBAN_SURVEY_TOKEN_TRIES_PER_IP = int(os.environ.get("DUBAN_SURVEY_TOKEN_TRIES_PER_IP", "20"))
# a sheet sent sooner than this after its page was served is taken for a script and refused
DUBAN_SURVEY_MIN_SECONDS = int(os.environ.get("DUBAN_SURVEY_MIN_SECONDS", "5"))
# a refused CSRF check: the staff's page, or a public namespace's own (core.views.csrf_failure)
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
DUBAN_CSRF_FAILURE_TEMPLATES = {"survey_public": "surveys/public/csrf.html"}
# 调度会 (R-DEC-6): at most this many red and yellow tasks listed at one meeting (the total is kept)
DUBAN_DISPATCH_MAX_ITEMS = int(os.environ.get("DUBAN_DISPATCH_MAX_ITEMS", "200"))
