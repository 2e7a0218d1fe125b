"""Django settings for Wangge.

Everything that differs between machines comes from the environment. On a developer's machine the
secrets that are not set in the environment are generated once into ``var/secrets.json`` (never
committed); in production (``WANGGE_ENV=production``) missing secrets stop the start-up.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WANGGE_VAR_DIR", BASE_DIR / "var"))
ENVIRONMENT = os.environ.get("WANGGE_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _local_secret(name: str, make) -> str:
    """Return a secret from the environment, or from var/secrets.json outside production."""
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise RuntimeError(f"{name} must be set in the environment when WANGGE_ENV=production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secrets.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = make()
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored[name]


SECRET_KEY = _local_secret("WANGGE_SECRET_KEY", lambda: secrets.token_urlsafe(50))
DEBUG = os.environ.get("WANGGE_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("WANGGE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("WANGGE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "ninja",  # serves /api/v1/docs (Swagger UI) from its own static files, not a CDN
    "wangge.core",
    "wangge.regions",
    "wangge.cases",
    "wangge.inbox",
    "wangge.people",
    "wangge.rollups",
    "wangge.dashboard",
    "wangge.assessment",
    "wangge.party",
    "wangge.devices",
    "wangge.services",
    "wangge.patrols",
    "wangge.notices",
    "wangge.open311",
    "wangge.deliberation",
    "wangge.mediation",
    "wangge.webhooks",
    "wangge.hotline",
    "wangge.accounts",
    "wangge.workcalendar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wangge.core.bodies.JsonBodyGuardMiddleware",  # before anything parses an API body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wangge.core.middleware.RequestContextMiddleware",
    "wangge.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.core.context_processors.platform",
            ],
        },
    },
]

# --- Database: embedded SQLite in WAL mode unless DATABASE_URL says otherwise -----------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'wangge.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=600)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue on busy_timeout instead of failing with "database is locked" mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wangge.accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures, per username (and phone, which resolves to the same account).
AXES_FAILURE_LIMIT = int(os.environ.get("WANGGE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("WANGGE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "wangge.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "wangge.accounts.views.lockout_response"
AXES_VERBOSE = False
# Lock accounts, not addresses: a whole community centre often shares one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

API_TOKEN_TTL = timedelta(hours=int(os.environ.get("WANGGE_API_TOKEN_TTL_HOURS", str(24 * 7))))

# --- Personal data (PIPL): keys for AES-GCM and the blind index -----------------------------------
# WANGGE_PII_KEYS holds "key_id:base64key" pairs separated by commas; the first is used to encrypt.
PII_KEYS = _local_secret(
    "WANGGE_PII_KEYS", lambda: "k1:" + __import__("base64").b64encode(secrets.token_bytes(32)).decode()
)
# WANGGE_PII_INDEX_KEY holds the blind-index key, or during a rotation "id:secret" entries separated by
# commas, the first active (an entry without an id is the original key): see wangge.core.pii.
PII_INDEX_KEY = _local_secret("WANGGE_PII_INDEX_KEY", lambda: secrets.token_urlsafe(32))

# --- i18n: zh-hans is the default, English selectable ----------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wangge" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "wangge_language"

# --- Static files: our own plus the npm packages, served by WhiteNoise -------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "wangge" / "static",
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/alpinejs", NODE_MODULES / "alpinejs" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# The MQTT broker the device subscriber (`wangge mqtt`, started by `wangge serve` when it answers) listens on.
MQTT_URL = os.environ.get("MQTT_URL", "mqtt://127.0.0.1:1883")

# --- Caches: local memory by default, Redis when REDIS_URL is set ------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache's keys and the task queue's name start with this, so that several sites (or test runs)
# can share one Redis server without reading each other's keys or tasks.
REDIS_PREFIX = os.environ.get("WANGGE_REDIS_PREFIX", "wangge")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Security headers ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("WANGGE_HTTPS", "0") == "1"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# The shared guards (wangge/core/uploads.py, wangge/core/bodies.py): limits checked before anything is
# decoded, unpacked or parsed.
UPLOAD_MAX_IMAGE_PIXELS = int(os.environ.get("WANGGE_UPLOAD_MAX_IMAGE_PIXELS", str(40_000_000)))
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("WANGGE_UPLOAD_MAX_UNPACKED_BYTES", str(64 * 1024 * 1024)))
UPLOAD_MAX_ZIP_ENTRIES = int(os.environ.get("WANGGE_UPLOAD_MAX_ZIP_ENTRIES", "1000"))
API_JSON_MAX_DEPTH = int(os.environ.get("WANGGE_API_JSON_MAX_DEPTH", "32"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Geometry --------------------------------------------------------------------------------------
# Shares of a polygon's area: how much of a child may lie outside its parent, and how much two
# siblings may overlap, before the boundary is refused. Hand-drawn boundaries never match exactly.
GEOMETRY_OUTSIDE_PARENT_TOLERANCE = float(os.environ.get("WANGGE_GEOMETRY_OUTSIDE_TOLERANCE", "0.01"))
GEOMETRY_SIBLING_OVERLAP_TOLERANCE = float(os.environ.get("WANGGE_GEOMETRY_OVERLAP_TOLERANCE", "0.01"))
# How often (seconds) a process checks whether another process changed the boundaries.
TRUST_X_FORWARDED_FOR = os.environ.get("WANGGE_TRUST_X_FORWARDED_FOR", "0") == "1"
REGION_LOCATOR_CHECK_SECONDS = float(os.environ.get("WANGGE_LOCATOR_CHECK_SECONDS", "1"))
# Optional intranet tile server for the map background; empty keeps the map fully offline.
MAP_TILE_URL = os.environ.get("WANGGE_MAP_TILE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WANGGE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "ERROR"},
        # The task consumer's own lines (start, tasks run, shutdown), printed once: huey's run_huey adds a
        # handler of its own to "huey" only when the logger has none, and with one here it adds none and the
        # lines do not travel on to the root's handler as well (they were printed twice by `make run`).
        "huey": {
            "handlers": ["console"],
            "level": os.environ.get("WANGGE_TASK_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

# --- Background work: huey on SQLite by default, on Redis when REDIS_URL is set -----------------------
HUEY = (
    {"huey_class": "huey.RedisHuey", "name": REDIS_PREFIX, "url": REDIS_URL, "immediate": False}
    if REDIS_URL
    else {
        "huey_class": "wangge.core.huey_storage.SqliteHuey",  # synchronous=NORMAL: no fsync per queued task
        "name": "wangge",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": os.environ.get("WANGGE_TASKS_IMMEDIATE", "0") == "1",
    }
)

# --- Outbound webhooks (wangge/webhooks) ---------------------------------------------------------------
# One attempt's connect-and-answer timeout, the attempts before a delivery is marked failed, and the wait
# before the second attempt (doubling after each failure).
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WANGGE_WEBHOOKS_TIMEOUT_SECONDS", "5"))
WEBHOOKS_MAX_ATTEMPTS = int(os.environ.get("WANGGE_WEBHOOKS_MAX_ATTEMPTS", "6"))
WEBHOOKS_BACKOFF_SECONDS = float(os.environ.get("WANGGE_WEBHOOKS_BACKOFF_SECONDS", "30"))
# A sender claims up to BATCH_SIZE due deliveries at once and posts them CONCURRENCY at a time; each
# process re-reads who subscribed to what at most every SUBSCRIPTIONS_CHECK_SECONDS.
WEBHOOKS_BATCH_SIZE = int(os.environ.get("WANGGE_WEBHOOKS_BATCH_SIZE", "50"))
WEBHOOKS_CONCURRENCY = int(os.environ.get("WANGGE_WEBHOOKS_CONCURRENCY", "8"))
WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS = float(os.environ.get("WANGGE_WEBHOOKS_SUBSCRIPTIONS_CHECK_SECONDS", "1"))

# --- 12345 hotline (wangge/hotline) -----------------------------------------------------------------
# The adapter that sends a hotline case's status, opinion and closure back (default: a signed webhook).
HOTLINE_ADAPTER = os.environ.get("WANGGE_HOTLINE_ADAPTER", "wangge.hotline.status_push.WebhookAdapter")

# --- Cases ------------------------------------------------------------------------------------------
# The share of a stage's time limit after which a case turns yellow (due soon).
CASE_WARNING_SHARE = float(os.environ.get("WANGGE_CASE_WARNING_SHARE", "0.8"))
# What the deadline scan does when a stage runs out, per stage (besides turning it red and telling
# the assignees and the handling centre): "supervise" gives the case a system yellow card (督办),
# "supervise_red" a red card. Stages not listed only turn red. WANGGE_CASE_OVERDUE_POLICY is JSON.
CASE_OVERDUE_POLICY = json.loads(os.environ.get("WANGGE_CASE_OVERDUE_POLICY", '{"handle": "supervise"}'))
# Reports without an account, per client address and hour (abuse of the public form).
ANONYMOUS_REPORTS_PER_HOUR = int(os.environ.get("WANGGE_ANONYMOUS_REPORTS_PER_HOUR", "10"))
# Look-ups of where a pin falls (the report page's place step) without an account, per address and hour:
# every pin move is one, so far more than reports.
ANONYMOUS_LOCATES_PER_HOUR = int(os.environ.get("WANGGE_ANONYMOUS_LOCATES_PER_HOUR", "300"))
# Open311 reads without an API key, per client address and minute (a key has its own limit, set per client).
OPEN311_ANONYMOUS_PER_MINUTE = int(os.environ.get("WANGGE_OPEN311_ANONYMOUS_PER_MINUTE", "60"))
# The contact that Open311's discovery names for this endpoint.
OPEN311_CONTACT = os.environ.get("WANGGE_OPEN311_CONTACT", "")
CASE_PHOTO_MAX_BYTES = int(os.environ.get("WANGGE_CASE_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
CASE_DUPLICATE_RADIUS_M = float(os.environ.get("WANGGE_CASE_DUPLICATE_RADIUS_M", "150"))
CASE_DUPLICATE_DAYS = int(os.environ.get("WANGGE_CASE_DUPLICATE_DAYS", "7"))
# The category suggester (wangge.cases.suggester): how often a process looks for a newly trained model, and
# the hour (Asia/Shanghai) of the nightly retraining when operators' corrections changed.
SUGGESTER_CHECK_SECONDS = float(os.environ.get("WANGGE_SUGGESTER_CHECK_SECONDS", "30"))
SUGGESTER_RETRAIN_HOUR = int(os.environ.get("WANGGE_SUGGESTER_RETRAIN_HOUR", "3"))
NOTIFY_CHANNELS = [
    c for c in os.environ.get("WANGGE_NOTIFY_CHANNELS", "wangge.inbox.channels.LoggingChannel").split(",") if c
]

# --- Command centre, statistics and assessment ----------------------------------------------------
# Score tiers of the assessment ranking (weighted indicator score, 0-100): green from, yellow from.
ASSESSMENT_GREEN_FROM = float(os.environ.get("WANGGE_ASSESSMENT_GREEN_FROM", "90"))
ASSESSMENT_YELLOW_FROM = float(os.environ.get("WANGGE_ASSESSMENT_YELLOW_FROM", "80"))
# How often (seconds) the command-centre feed polls for new cases and alarms.
DASHBOARD_FEED_SECONDS = int(os.environ.get("WANGGE_DASHBOARD_FEED_SECONDS", "5"))
TEMPLATES[0]["OPTIONS"]["context_processors"].append("wangge.dashboard.context_processors.nav")
