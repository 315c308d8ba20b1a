"""ASIS settings: one file, every deployment value read from the environment.

Development: `DEBUG=1` (set by `make run`). Production: `DEBUG` unset or 0,
`SECRET_KEY` and `ALLOWED_HOSTS` required, HTTPS assumed behind a proxy.
A bad value fails loudly at start-up rather than running half-configured.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r}).")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# pytest (>= 8.2) sets PYTEST_VERSION for the whole session.
TESTING = "PYTEST_VERSION" in os.environ
DEBUG = env_bool("DEBUG", default=False)

# Without SECRET_KEY, management commands still run with a throw-away key, but the web
# server refuses to start (asis/wsgi.py) and `check --deploy` fails (asis/checks.py).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    SECRET_KEY = get_random_secret_key()
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

# Empty in production unless set: Django then refuses every request (and runserver refuses to start).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "asis",
    "organisations",
    "alliances",
    "privacy",
    "plans",
    "figures",
    "chantiers",
    "projects",
    "budget",
    "sustainability",
    "bilan",
    "succession",
    "pages",
    "worklist",
    "reference",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",  # by this name: pytest-django serves static files to the browser tests only then
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "post_office",  # the e-mail outbox's tables (asis/mail.py queues, `manage.py worker` sends)
    "notifications",  # what each person receives by e-mail, per kind (issue 21, part 4)
    "outbox",  # the outbox page (/<alliance>/courriels/), the worker and its scheduled jobs
    "rest_framework",
    "drf_spectacular",
    "api",  # the read API for funders' and coordinators' tools, its tokens and its documentation (issue 22, part 3)
]
SIMPLE_HISTORY_REVERT_DISABLED = True  # the admin shows history; a revert would bypass the services

MIDDLEWARE = [
    "asis.middleware.RequestLogMiddleware",  # first: the request id and the log line cover everything below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "asis.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "asis.middleware.WritersSeeTheirWritesMiddleware",  # a writer's next pages show their write (figures cache)
    "asis.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alliances.middleware.AllianceMiddleware",  # the alliance and plan of the address; after the user is known
    "organisations.citizen_accounts.CitizenAccountMiddleware",  # a citizen's account sees its own pages only
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # history rows name who made the change
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
]

ROOT_URLCONF = "asis.urls"
WSGI_APPLICATION = "asis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.roles",
                "pages.context_processors.alliance",
            ],
            "builtins": ["asis.templatetags.asis_format"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a busy database instead of failing at once; IMMEDIATE transactions
    # take the write lock up front, so two writers never both read a stale balance.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("PG_JIT", "0") != "1":
    # PostgreSQL's JIT compiles any query it estimates costly: on the home page's short queries over a
    # province's projects it spent 180 ms compiling for a 15 ms run (docs/benchmarks.md). A web page's queries
    # are short; PG_JIT=1 turns it back on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# The figures built on demand (asis.figures_cache: the bilan, its PDF, the plan-wide pages), under the version of
# their plan. REDIS_URL (redis://HOST:PORT/DB): one cache shared by every process and server, so a write moves the
# figures for all at once and one build serves them all. Without it, each process keeps its own in memory (LocMem).
REDIS_URL = os.environ.get("REDIS_URL", "")
FIGURES_CACHE_SECONDS = 6 * 3600  # a bound on what no plan's write moves (an organisation renamed), and on memory
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// address.")
    FIGURES_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "asis",
        "TIMEOUT": FIGURES_CACHE_SECONDS,
    }
else:
    FIGURES_CACHE = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "asis-figures",
        "TIMEOUT": FIGURES_CACHE_SECONDS,
        # Each entry is one figure of one scope (its previous version is dropped when the next is built): a plan-wide
        # page is tens of kB, a bilan page of 600 projects a few hundred kB, its PDF up to 1 MB (cached for
        # PDF_CACHE_SECONDS only, bilan/documents.py). When full, a third of the entries is dropped.
        "OPTIONS": {"MAX_ENTRIES": 300, "CULL_FREQUENCY": 3},
    }
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "asis-default"},
    "figures": FIGURES_CACHE,
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
# Login throttling (django-axes): after 5 failed attempts for one username from one address,
# that pair waits 15 minutes. Locking the pair, not the username alone, means nobody can lock a
# partner out from elsewhere; the cool-off means nobody is locked out for good.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "organisations.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"]) if os.environ.get("AXES_PROXY_COUNT") else None

# The read API (api/): a token's requests only (no session: a browser's cookie opens nothing there), read-only, JSON a
# page at a time or CSV, throttled per token (counted in the default cache: shared across processes with REDIS_URL).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle", "api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_THROTTLE_RATE", "1200/hour"),
        "anon": os.environ.get("API_ANONYMOUS_THROTTLE_RATE", "120/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,  # a visitor's address behind nginx, as for the login lockout
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASIS — API de lecture",
    "DESCRIPTION": "Les projets, engagements, versements, indicateurs partagés et chiffres du bilan d'une alliance, "
    "pour les outils des bailleurs de fonds et des coordinations (Power BI, Excel, R). Un jeton par alliance et par rôle.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French (Canada) first, English second.
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Toronto"  # Eastern time, as in Rouyn-Noranda
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["asis.formats"]
USE_THOUSAND_SEPARATOR = True  # 467 136,00 in the admin and in forms, as the OQLF writes it

# Absolute: a relative one would take the script prefix, which is the alliance's on its pages (alliances/addresses.py)
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))  # where collectstatic writes
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Uploaded report attachments: private files outside the static ones, never served by URL;
# projects.views.reports streams them to those who may see the project. No MEDIA_URL on purpose.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "private-media"))
# `make backup` writes its archives here (database and attachments, docs/backups.md): another disk in production.
BACKUP_ROOT = Path(os.environ.get("BACKUP_ROOT", BASE_DIR / "backups"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# Upload bounds. Office documents are ZIP archives judged from their central directory
# (projects/validators.py): a real DOCX/XLSX/ODT/ODS of 10 MiB holds a few hundred members and expands to a
# few tens of MiB at ratios under 20:1; a zip bomb declares hundreds of MiB at 1 000:1 or more.
ATTACHMENT_ZIP_MAX_MEMBERS = int(os.environ.get("ATTACHMENT_ZIP_MAX_MEMBERS", 1000))
ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024))
ATTACHMENT_ZIP_MAX_RATIO = int(os.environ.get("ATTACHMENT_ZIP_MAX_RATIO", 100))  # on members over 1 MiB
# Quotas: a report's supporting documents (invoices, photos, attendance sheets) fit in 20 files and 50 MiB;
# 500 MiB per organisation is ten full reports, years of a small organisation's projects. Coordination
# raises them here if an organisation needs more.
ATTACHMENT_MAX_FILES_PER_REPORT = int(os.environ.get("ATTACHMENT_MAX_FILES_PER_REPORT", 20))
ATTACHMENT_MAX_BYTES_PER_REPORT = int(os.environ.get("ATTACHMENT_MAX_BYTES_PER_REPORT", 50 * 1024 * 1024))
ATTACHMENT_MAX_BYTES_PER_ORGANISATION = int(os.environ.get("ATTACHMENT_MAX_BYTES_PER_ORGANISATION", 500 * 1024 * 1024))
# The bilan's XLSX import (Coordination): the exported workbook of a whole plan is well under 1 MiB.
PROGRESS_IMPORT_MAX_BYTES = int(os.environ.get("PROGRESS_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# Django's own request bounds. One upload field per form: a request with a few files over the report's bound
# still reaches the form, which says the bound in French; a flood (more than twice the bound) is refused by
# Django with a 400 before any file is parsed further. Form fields stay at Django's 1 000 and 2.5 MiB
# (file contents do not count); files over 2.5 MiB are spooled to a temporary file, never held in memory.
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * ATTACHMENT_MAX_FILES_PER_REPORT
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    # A failed write leaves no partial file (a full or read-only attachments folder: docs/backups.md)
    "default": {"BACKEND": "asis.storage.FileSystemStorageCleanOnError"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Widgets render through TEMPLATES, so templates/django/forms/ overrides a widget's template in one place (the empty
# choice of every select says « Choisir… », not « --------- »).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ASIS <no-reply@localhost>")

# The outbox (django-post-office's tables): every e-mail is queued in the transaction that causes it and sent by
# the worker (`python manage.py worker`, asis/mail.py), through EMAIL_BACKEND. A failed attempt is tried again
# after each of OUTBOX_RETRY_MINUTES in turn (1 min, 5 min, 30 min, 2 h), then the e-mail is marked failed
# (Coordination sends it again from /<alliance>/courriels/). Tests send each e-mail at once after its commit
# (OUTBOX_SEND_ON_COMMIT), so they read `mail.outbox` as before; production leaves the sending to the worker.
OUTBOX_RETRY_MINUTES = [int(minutes) for minutes in env_list("OUTBOX_RETRY_MINUTES", "1,5,30,120")]
OUTBOX_SEND_ON_COMMIT = env_bool("OUTBOX_SEND_ON_COMMIT", default=TESTING)

# The worker (`python manage.py worker`, `make worker`): every WORKER_SLEEP_SECONDS it sends the queued e-mails,
# records its heartbeat and runs each scheduled job once a day, from the local hour given here (America/Toronto).
# The reminders' links start with PORTAL_URL (https://asis.example.org). Nightly backups keep the last BACKUP_KEEP.
WORKER_SLEEP_SECONDS = int(os.environ.get("WORKER_SLEEP_SECONDS", 30))
WORKER_JOB_HOURS = {
    "backup": int(os.environ.get("JOB_HOUR_BACKUP", 1)),
    "check_budget": int(os.environ.get("JOB_HOUR_CHECK_BUDGET", 2)),
    "check_figures": int(os.environ.get("JOB_HOUR_CHECK_FIGURES", 2)),
    "purge_personal_data": int(os.environ.get("JOB_HOUR_PURGE_PERSONAL_DATA", 3)),
    "send_report_reminders": int(os.environ.get("JOB_HOUR_SEND_REPORT_REMINDERS", 7)),
    "send_sustainability_checks": int(os.environ.get("JOB_HOUR_SEND_SUSTAINABILITY_CHECKS", 7)),
    # after the morning's reminders and follow-ups, so a digest carries them; weekly digests leave on Mondays
    "send_notification_digests": int(os.environ.get("JOB_HOUR_SEND_NOTIFICATION_DIGESTS", 8)),
}
if any(not 0 <= hour <= 23 for hour in WORKER_JOB_HOURS.values()):
    raise ImproperlyConfigured("JOB_HOUR_* must be an hour from 0 to 23.")
PORTAL_URL = os.environ.get("PORTAL_URL", "")

# The grants' open data in the 360Giving Data Standard (bilan/grants.py, docs/open-data.md): a grant's identifier
# starts with the publisher's 360Giving prefix (« 360G-… », registered with 360Giving when the data is published
# there), and a recipient with a NEQ is named in the org-id.guide list of the Registraire des entreprises du Québec.
GRANTS_360G_PREFIX = os.environ.get("GRANTS_360G_PREFIX", "360G-asis")
GRANTS_360G_NEQ_SCHEME = os.environ.get("GRANTS_360G_NEQ_SCHEME", "CA_QC-QBC")
if not re.fullmatch(r"360G-[A-Za-z0-9]+(-[A-Za-z0-9]+)*", GRANTS_360G_PREFIX):
    raise ImproperlyConfigured("GRANTS_360G_PREFIX must be 360G- followed by letters, digits and dashes.")
if not re.fullmatch(r"[A-Z]{2}[A-Z0-9_-]*[A-Z0-9]", GRANTS_360G_NEQ_SCHEME):
    raise ImproperlyConfigured("GRANTS_360G_NEQ_SCHEME must be an org-id.guide list code, such as CA_QC-QBC.")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", 14))

# Outgoing e-mail a visitor or a partner can trigger (password reset, invitations) and sign-ups are
# throttled (asis/throttle.py): at most MAIL_THROTTLE_PER_ADDRESS e-mails an hour to one address and
# MAIL_THROTTLE_PER_CLIENT an hour from one client address (the address django-axes sees, so
# AXES_PROXY_COUNT applies), counted in the default cache. An invitation link is valid
# INVITATION_EXPIRY_DAYS days and works once.
MAIL_THROTTLE_PER_ADDRESS = int(os.environ.get("MAIL_THROTTLE_PER_ADDRESS", 3))
MAIL_THROTTLE_PER_CLIENT = int(os.environ.get("MAIL_THROTTLE_PER_CLIENT", 10))
MAIL_THROTTLE_WINDOW_SECONDS = int(os.environ.get("MAIL_THROTTLE_WINDOW_SECONDS", 60 * 60))
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", 7))
# django-axes reads the client's address through the same function: without django-ipware (not installed)
# it used REMOTE_ADDR alone and AXES_PROXY_COUNT did nothing, so behind a proxy every visitor was one client.
AXES_CLIENT_IP_CALLABLE = "asis.throttle.client_address"

# Security. Everything below is on in production; development over plain HTTP
# keeps cookies usable.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the reverse proxy that terminates HTTPS (deploy/nginx-asis.conf), its X-Forwarded-Proto says whether
    # the visitor's request was HTTPS. BEHIND_PROXY=0 when gunicorn faces the visitors itself: the header would then
    # be the visitor's to forge.
    if env_bool("BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A refused form (an expired page, a session ended elsewhere) and a server error get the portal's own pages
# (asis/errors.py); handler500 is in asis/urls.py.
CSRF_FAILURE_VIEW = "asis.errors.csrf_failure"

# /healthz (asis/views.py) answers 503 naming the failing part. It checks the database, that every migration is
# applied and the free space on MEDIA_ROOT's disk (at least HEALTH_MIN_FREE_DISK_MB, 500 by default); each function
# in HEALTH_CHECKS is one more part: called with no argument, it returns its name and "ok" or what is wrong
# (the worker's heartbeat is one).
HEALTH_MIN_FREE_DISK_MB = int(os.environ.get("HEALTH_MIN_FREE_DISK_MB", 500))
HEALTH_CHECKS = [
    "asis.health.database",
    "asis.health.migrations",
    "asis.health.disk",
]
# The worker's heartbeat: in production (DEBUG off) /healthz fails when its last pass is older than this (10 min
# by default, 20 passes); 0 leaves it out (development, where `make run` starts no worker, and the tests).
HEALTH_WORKER_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_WORKER_MAX_AGE_SECONDS", 0 if DEBUG or TESTING else 600))
if HEALTH_WORKER_MAX_AGE_SECONDS:
    HEALTH_CHECKS.append("asis.health.worker")

# Logs go to standard error (journald under systemd), as JSON lines in production (LOG_FORMAT=json, the default
# when DEBUG is off) or as plain text (LOG_FORMAT=text, the default in development). Each line of a request carries
# its id; the `asis.request` logger writes one line per request (asis/logs.py). LOG_LEVEL sets everything else
# (WARNING); ACCESS_LOG=0 silences the per-request lines.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text (got {LOG_FORMAT!r}).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "asis.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "asis.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "asis.request": {"level": "INFO" if env_bool("ACCESS_LOG", default=not TESTING) else "WARNING"},
    },
}

# Errors go to Sentry when SENTRY_DSN is set; sentry-sdk is optional (requirements-prod.txt), so a DSN without it
# fails at start-up rather than dropping the errors silently.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError as missing:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -r requirements-prod.txt"
        ) from missing
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,  # no names, e-mail addresses or cookies leave for Sentry (Loi 25)
    )
