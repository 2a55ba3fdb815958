"""Settings of the product, all read from the environment (see README, «Настройки»).

With no variable set the product runs on the embedded default: SQLite in the project folder,
Celery tasks inline, local-memory cache, e-mail to the console.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.lib.env import (
    EnvError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_replica_database,
    env_storage,
    env_str,
)
from config.lib.export_formats import EXPORT_FORMATS as SAFE_EXPORT_FORMATS

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    DEBUG = env_bool("DEBUG", True)
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
    DATABASES = {"default": env_database("DATABASE_URL", BASE_DIR / "db.sqlite3")}
    DATABASE_REPLICA = env_replica_database("DATABASE_REPLICA_URL", DATABASES["default"])
    # After a write a person reads the primary for this long: the replica may not have it yet.
    REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10, minimum=1)
    SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 10, minimum=1)
    REDIS_URL = env_redis_url("REDIS_URL")
    TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
    MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
    # Kept files (evidence, imports, rendered documents): MEDIA_ROOT, or an S3-compatible object
    # store named by STORAGE_URL or AWS_* (config.lib.env.env_storage), shared by every host.
    STORAGE_URL_EXPIRE_SECONDS = env_int("STORAGE_URL_EXPIRE_SECONDS", 300, minimum=1)
    FILE_STORAGE = env_storage(url_expire_seconds=STORAGE_URL_EXPIRE_SECONDS)
    STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
    # Uploads bigger than 2.5 MB are written here while they arrive (config.lib.uploads).
    FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR", str(BASE_DIR / "tmp" / "uploads"))
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "muko@localhost")
    # The address letters link to (notifications): without it, https:// and the first of
    # ALLOWED_HOSTS in production, the development server otherwise.
    SITE_URL = env_str("SITE_URL").rstrip("/")
    SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60 * 8, minimum=5) * 60
    UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 25, minimum=1)
    IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 200, minimum=1)
    IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 2_000_000, minimum=1)
    # Recomputing every municipality's indicators at once (a region, a country) on PostgreSQL runs
    # this many groups of municipalities in parallel, each on its own connection (and core).
    INDICATORS_PARALLEL = env_int("INDICATORS_PARALLEL", 2, minimum=1)
    # An uploaded results file never imported (checked only, refused, failed) is deleted with its
    # kept copy after this many hours (monitoring.imports_housekeeping, hourly).
    IMPORT_PREVIEW_HOURS = env_int("IMPORT_PREVIEW_HOURS", 72, minimum=1)
    # Fragments need one cache shared by every web process: without Redis only the one-process
    # development server (DEBUG) keeps them.
    FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 600 if REDIS_URL or DEBUG else 0, minimum=0)
    PSEUDONYM_KEY = env_str("PSEUDONYM_KEY")
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", not REDIS_URL)
    JOBS_INLINE_WHEN_BROKER_DOWN = env_bool("JOBS_INLINE_WHEN_BROKER_DOWN", False)
    JOBS_HEARTBEAT_TIMEOUT_MINUTES = env_int("JOBS_HEARTBEAT_TIMEOUT_MINUTES", 10, minimum=1)
    # A message whose worker died (kill -9, out of memory, host lost) is unacknowledged (acks late) and
    # goes back to the queue after this many seconds; the job is then run again if its heartbeat
    # went silent (job_running). Longer than the heartbeat timeout, or the new delivery would still
    # find the dead worker's job «alive» and drop it.
    JOBS_REDELIVERY_SECONDS = env_int(
        "JOBS_REDELIVERY_SECONDS",
        JOBS_HEARTBEAT_TIMEOUT_MINUTES * 60 + 120,
        minimum=JOBS_HEARTBEAT_TIMEOUT_MINUTES * 60 + 10,
    )
    JOBS_RESEND_AFTER_MINUTES = env_int("JOBS_RESEND_AFTER_MINUTES", 10, minimum=1)
    JOBS_MAX_SENDS = env_int("JOBS_MAX_SENDS", 3, minimum=1)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
    AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
    LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
    PROXY_COUNT = env_int("PROXY_COUNT", 0 if DEBUG else 1, minimum=0)
    USE_X_FORWARDED_PROTO = env_bool("USE_X_FORWARDED_PROTO", not DEBUG)
except EnvError as error:
    raise ImproperlyConfigured(str(error)) from None

# Heavy read pages read the streaming replica when there is one (config.lib.replica).
if DATABASE_REPLICA:
    DATABASES["replica"] = DATABASE_REPLICA
DATABASE_ROUTERS = ["config.lib.replica.ReplicaRouter"]
REPLICA_READS = bool(DATABASE_REPLICA)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time (see config.lib.sqlite): WAL lets pages read while somebody writes; every
    # transaction takes the write lock first (BEGIN IMMEDIATE) and waits for it up to the timeout.
    # synchronous=NORMAL is safe in WAL mode: a power cut may lose the last commits, never corrupt.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DEBUG выключен, а SECRET_KEY не задан: укажите SECRET_KEY в окружении")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY слишком короткий: нужно не меньше 50 символов")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG выключен, а ALLOWED_HOSTS не задан: перечислите имена сервера")
    if not PSEUDONYM_KEY:
        raise ImproperlyConfigured(
            "DEBUG выключен, а PSEUDONYM_KEY не задан: ключ нужен для кодов участников вместо ФИО"
        )
else:
    # Development only: a fixed key so that sessions survive restarts of `make run`.
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-" + "x" * 40
    PSEUDONYM_KEY = PSEUDONYM_KEY or "dev-only-pseudonym-key"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "config.jobs",
    "config.audit",
    "schools",
    "roadmaps",
    "monitoring",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the others, so that it sees every write of the request (read-after-write pin).
    "config.lib.replica.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.lib.middleware.SessionIdleExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.lib.busy.DatabaseBusyMiddleware",
    "config.lib.preconditions.PreconditionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the Russian lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "schools.context_processors.access",
            ],
            "libraries": {"lists": "config.lib.lists"},
            "builtins": ["config.lib.russian"],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": FILE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"  # never served directly: files go through views that check access
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

if REDIS_URL:
    # Short timeouts: the cache only speeds pages up (config.lib.fragments), and a page must not
    # hang on an unreachable Redis before computing without it.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Inline (embedded) jobs: a failure is shown on the job, not as a server error of the page.
CELERY_TASK_EAGER_PROPAGATES = False
# Acknowledged when the task ends, not when it starts: a worker killed mid-task leaves its message
# to be delivered again (JOBS_REDELIVERY_SECONDS).
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing to a broker that is down: one quick retry, then the job stays queued for the
# housekeeping task (config.jobs) instead of holding the page for kombu's default retries.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
    # Redelivery of a dead worker's message (see JOBS_REDELIVERY_SECONDS): every worker looks for
    # such messages every 10 s instead of kombu's default (every 10th sweep of 10 s).
    "visibility_timeout": JOBS_REDELIVERY_SECONDS,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Fail jobs whose worker died and resend the ones the broker missed while it was down.
    "jobs-housekeeping": {"task": "jobs.housekeeping", "schedule": 300.0},
}
# Uploads of results never imported expire (IMPORT_PREVIEW_HOURS) and their files go with them.
CELERY_BEAT_SCHEDULE["imports-housekeeping"] = {"task": "monitoring.imports_housekeeping", "schedule": 3600.0}
# Execution reminders: once a day in the morning; running it again sends nothing twice.
CELERY_BEAT_SCHEDULE["execution-reminders"] = {
    "task": "roadmaps.send_reminders",
    "schedule": crontab(hour=7, minute=0),
}

if not SITE_URL:
    named = [host for host in ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    SITE_URL = f"https://{named[0]}" if not DEBUG and named else "http://127.0.0.1:8000"
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL: ожидается адрес вида https://muko.example.ru, получено «{SITE_URL}»")

if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if USE_X_FORWARDED_PROTO:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Login throttling (django-axes): a lock per account and address after repeated failures.
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT

# Content-Security-Policy: nothing inline and nothing from other sites. Pages keep their
# behaviour in static/js and their looks in static/css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
    # The admin site (administrators only) carries a few inline styles of Django's own.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
# The admin's exports go through the one writer that keeps people's text from becoming formulas.
EXPORT_FORMATS = SAFE_EXPORT_FORMATS
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
