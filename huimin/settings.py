"""Django settings for Huimin. Everything secret or deployment-specific comes from the
environment; the embedded default is SQLite in ``var/`` (see docs/adr/0001)."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HUIMIN_DATA_DIR", BASE_DIR / "var"))
TESTING = "pytest" in sys.modules or os.environ.get("HUIMIN_TESTING") == "1"


def _secret_key() -> str:
    key = os.environ.get("HUIMIN_SECRET_KEY")
    if key:
        return key
    if TESTING:
        return "insecure-test-key"  # noqa: S105 - tests only
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("HUIMIN_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("HUIMIN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("HUIMIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its Swagger UI from our static files, not a CDN the offices may not reach
    "simple_history",
    "axes",
    "huimin.core",
    # after huimin.core, whose db_worker (the same worker, which also resumes the work of a
    # killed one: huimin/core/workers.py) takes the place of django_tasks_db's
    "django_tasks",
    "django_tasks_db",
    "huimin.childcare",
    "huimin.subsidy",
    "huimin.supervision",
    "huimin.wildlife",
    "huimin.disability",
    "huimin.demonstration",
    "huimin.outreach",
    "huimin.dashboard",  # last: it reads every other app's selectors
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huimin.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "huimin.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huimin.urls"
WSGI_APPLICATION = "huimin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "huimin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huimin.core.context_processors.navigation",
            ],
        },
    }
]

# --- storage (docs/adr/0001-storage-and-database-url.md)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "huimin.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Reuse a connection across requests, as for DATABASE_URL: the pragmas above run
            # once per connection, not per request (issue 17: the calendar API 2.5× faster).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file, not the in-memory default: the browser tests' live server, a
            # batch task in a thread and the test itself then each have their own connection,
            # as in production (an in-memory database shares one connection between threads).
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"huimin-test-{os.getpid()}.sqlite3")
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work (docs/adr/0002-tasks-backend.md)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- e-mail: the citizen's inbox messages (core.services.notification_send) are also sent
# through Django's backend to accounts with an address. Console (printed to the log) unless
# set: e.g. HUIMIN_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend with
# EMAIL_HOST/EMAIL_PORT/EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS from the environment.
EMAIL_BACKEND = os.environ.get(
    "HUIMIN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("HUIMIN_FROM_EMAIL", "huimin@localhost")
#: The address the links in e-mails start with (the site as citizens reach it).
HUIMIN_SITE_URL = os.environ.get("HUIMIN_SITE_URL", "http://127.0.0.1:8000")

# --- accounts
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken

# Login throttling: 5 failures for a username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("HUIMIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- language and time
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "huimin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STATICFILES_DIRS = [BASE_DIR / "huimin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# --- security headers when served over HTTPS behind a proxy
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if os.environ.get("HUIMIN_HTTPS") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # plain HTTP is sent to HTTPS (the proxy's health checks may stay on HTTP), and browsers
    # remember it: HUIMIN_HSTS_SECONDS=0 while a site is first moved to HTTPS
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^api/ping$", r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIMIN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("HUIMIN_HSTS_SUBDOMAINS", "1") == "1"
    # Submitting the domain to the browsers' preload list is the domain owner's decision,
    # not the application's: not set, and its deploy-check warning silenced on purpose.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Content-Security-Policy (django-csp): scripts only from our own files, or inline with
# the request's nonce; no framing; forms post to ourselves. Inline style attributes stay
# allowed (templates and htmx's indicator style use them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIMIN_LOG_LEVEL", "WARNING")},
}

#: Demo logins share one password (printed by `make run`, never used outside the demo).
DEMO_PASSWORD = os.environ.get("HUIMIN_DEMO_PASSWORD", "Huimin@2026")
