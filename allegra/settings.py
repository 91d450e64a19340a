"""The one settings module of Allegra.

Every setting comes from the environment with a safe default: without any environment the shop runs as
in production (DEBUG off, secure cookies, JSON logs). `make run` switches development mode on with DEBUG=1.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ALLEGRA_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY in the environment (production mode is the default).")
    # Only ever used with DEBUG on or under the test runner.
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105 - production refuses it above

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin, as the back office that requires two-factor authentication (allegra/core/admin_site.py).
    "allegra.core.admin_config.BackofficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "allegra.core",
    "allegra.accounts",
    "allegra.catalog",
    "allegra.consent",
    "allegra.analytics",
    "allegra.wishlist",
    "allegra.cart",
    "allegra.checkout",
    "allegra.orders",
    "allegra.payments",
    "allegra.fraud",
    # The bundled test payment provider: kept apart as if it ran elsewhere (it imports nothing of the shop).
    "allegra.psp",
    "allegra.privacy",
]

MIDDLEWARE = [
    "allegra.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # request.consent: the browser's cookie choice and its Global Privacy Control signal (K1, S5).
    "allegra.consent.middleware.ConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "allegra.urls"
WSGI_APPLICATION = "allegra.wsgi.application"

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
                "allegra.core.context_processors.shop",
                "allegra.core.context_processors.csrf",
            ],
        },
    }
]

# Database: SQLite in var/ (WAL) unless DATABASE_URL says otherwise (PostgreSQL through psycopg 3).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "allegra.sqlite3",
            # Kept open across requests: closing the last connection checkpoints the WAL (an fsync), which
            # under `make bench` halved search throughput and tripled its p99 (each search writes its log row).
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Encryption at rest (policy R1, allegra/core/encryption.py). FIELD_ENCRYPTION_KEYS: comma-separated
# "keyid:base64url(32 random bytes)", newest first (it encrypts; the others only decrypt, during a rotation).
# BLIND_INDEX_KEY: base64url(32 random bytes) for keyed look-up digests. Read at first use, not here: a shop
# without customer data starts without them, and the system check allegra.E001 reports them missing.
FIELD_ENCRYPTION_KEYS = env_str("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY")
if TESTING:
    # Fixed keys for the test runner only (SHA-256 of public labels: they protect nothing, by design).
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or "test1:VuhvPPOgBdVwxkbZAWMcbpGI8iuRnwxaH4Yub6kzUEw"
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or "4qb7viWYHo5U32n27idlc3maLO712HlThYofwgsb3N4"

# Cache: Redis when REDIS_URL is set (shared across app servers), else per-process memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Django's Tasks API with the database backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# The one backend: Django's model backend behind login throttling (customer and /admin/ logins alike).
AUTHENTICATION_BACKENDS = ["allegra.accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_THROTTLE_ACCOUNT_ATTEMPTS = env_int("LOGIN_THROTTLE_ACCOUNT_ATTEMPTS", 5)
LOGIN_THROTTLE_IP_ATTEMPTS = env_int("LOGIN_THROTTLE_IP_ATTEMPTS", 20)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
# Lifetimes of the links in account emails.
ACCOUNT_VERIFY_LINK_SECONDS = env_int("ACCOUNT_VERIFY_LINK_SECONDS", 3 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)
# Links in emails point here (e.g. https://allegra.example); empty = the host the request came to.
SITE_URL = env_str("SITE_URL")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "allegra.accounts.validators.CommonPasswordValidator"},  # the project's own list
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Greek first (the shop's home), English second; URLs carry the prefix (/el/, /en/).
LANGUAGE_CODE = "el"
LANGUAGES = [("el", _("Greek")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Athens"

# Staff two-factor authentication: the name authenticator apps show next to the back-office codes.
OTP_TOTP_ISSUER = "Allegra Jewels"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
# No separate web server in front of the demo shop: Django serves product images unless a proxy does.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# Security: production-safe by default.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_FAILURE_VIEW = "allegra.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Email: the development outbox (var/outbox, shown at /dev/outbox/) with DEBUG, SMTP otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "allegra.core.outbox.OutboxEmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
OUTBOX_DIR = VAR_DIR / "outbox"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Allegra Jewels <shop@allegra.example>")

# Logs: one JSON line per event in production; readable lines in development. Never personal data.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"no_personal_data": {"()": "allegra.core.logging.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if env_bool("LOG_PLAIN", DEBUG) else "json",
            "filters": ["no_personal_data"],
        },
        # A logger with no handler at all falls back to Python's last-resort handler (stderr, raw message).
        "discard": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces these: theirs carry full paths with query strings.
        "django.server": {"handlers": ["discard"], "propagate": False},
        "django.request": {"handlers": ["discard"], "propagate": False},
        # Its lines quote the path, which may carry a token; allegra.core.views.csrf_failure logs the refusal.
        "django.security.csrf": {"handlers": ["discard"], "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# Shop settings.
SHOP_NAME = "Allegra Jewels"
SHOP_VAT_RATE = "0.24"
CATALOG_PAGE_SIZE = env_int("CATALOG_PAGE_SIZE", 24)
SEARCH_LOG_ENABLED = env_bool("SEARCH_LOG_ENABLED", True)
# Whole storefront pages for visitors without a session, per catalogue version (0 turns it off).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

# Cookie consent (K1-K6). The choice lives in a functional cookie for 12 months. Policy versions are dates;
# a choice made under a version older than CONSENT_RENEWED_AT_VERSION (the last material change of the
# consent-based categories) is asked again.
CONSENT_COOKIE_NAME = "allegra_consent"
CONSENT_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
PRIVACY_POLICY_VERSION = env_str("PRIVACY_POLICY_VERSION", "2026-11-01")
CONSENT_RENEWED_AT_VERSION = env_str("CONSENT_RENEWED_AT_VERSION", "2026-11-01")

# First-party analytics (C6, U5), only with performance consent.
ANALYTICS_VISITOR_COOKIE_NAME = "allegra_visitor"
ANALYTICS_MAX_BODY_BYTES = env_int("ANALYTICS_MAX_BODY_BYTES", 16 * 1024)
ANALYTICS_MAX_BATCH = env_int("ANALYTICS_MAX_BATCH", 50)
ANALYTICS_EVENTS_PER_MINUTE = env_int("ANALYTICS_EVENTS_PER_MINUTE", 240)

# --- Orders and invoices (owner: orders app) ---------------------------------------------------------------
# The seller's legal details printed on every invoice (U3). Placeholders until the shop sets its own.
SHOP_LEGAL_NAME = env_str("SHOP_LEGAL_NAME", "Allegra Jewels")
SHOP_VAT_NUMBER = env_str("SHOP_VAT_NUMBER", "000000000")  # ΑΦΜ
SHOP_TAX_OFFICE = env_str("SHOP_TAX_OFFICE", "ΔΟΥ Αθηνών")
SHOP_LEGAL_ADDRESS = env_str("SHOP_LEGAL_ADDRESS", "Athens, Greece")
# A guest's order look-up: how long the emailed link works, and how many look-ups one network may try.
ORDER_LOOKUP_LINK_SECONDS = env_int("ORDER_LOOKUP_LINK_SECONDS", 24 * 3600)
ORDER_LOOKUP_ATTEMPTS = env_int("ORDER_LOOKUP_ATTEMPTS", 10)
ORDER_LOOKUP_WINDOW_SECONDS = env_int("ORDER_LOOKUP_WINDOW_SECONDS", 3600)
# --- end of orders and invoices ----------------------------------------------------------------------------

# Payments (C4). The shop's copy of the keys its payment provider issued; empty in development and tests, where
# both sides derive matching test keys from SECRET_KEY (allegra/payments/conf.py). Production must set them.
PAYMENTS_GATEWAY = env_str("PAYMENTS_GATEWAY", "allegra.payments.test_psp.TestPspGateway")
PAYMENTS_PSP_API_KEY = env_str("PAYMENTS_PSP_API_KEY")
PAYMENTS_PSP_WEBHOOK_SECRET = env_str("PAYMENTS_PSP_WEBHOOK_SECRET")
PAYMENTS_PSP_BASE_URL = env_str("PAYMENTS_PSP_BASE_URL")
PAYMENTS_PSP_PUBLIC_URL = env_str("PAYMENTS_PSP_PUBLIC_URL", "/psp")
# The bundled test provider's own secrets (it stands for another company's system; allegra/psp/conf.py).
PSP_API_KEY = env_str("PSP_API_KEY")
PSP_WEBHOOK_SECRET = env_str("PSP_WEBHOOK_SECRET")
PSP_FINGERPRINT_KEY = env_str("PSP_FINGERPRINT_KEY")
PSP_DELIVER_OVER_HTTP = env_bool("PSP_DELIVER_OVER_HTTP", False)
# Card tokenizations allowed per client network per window (card testing); failed attempts count.
PSP_TOKENIZE_LIMIT = env_int("PSP_TOKENIZE_LIMIT", 20)
PSP_TOKENIZE_WINDOW_SECONDS = env_int("PSP_TOKENIZE_WINDOW_SECONDS", 600)

# --- Privacy requests (owner: privacy app) --------------------------------------------------------------------
# How long the emailed link that confirms a request works, and web-form requests allowed per network per window.
PRIVACY_REQUEST_VERIFY_SECONDS = env_int("PRIVACY_REQUEST_VERIFY_SECONDS", 7 * 24 * 3600)
PRIVACY_REQUEST_ATTEMPTS = env_int("PRIVACY_REQUEST_ATTEMPTS", 5)
PRIVACY_REQUEST_WINDOW_SECONDS = env_int("PRIVACY_REQUEST_WINDOW_SECONDS", 3600)
# The largest signed permission an authorised agent may upload with a request (PDF, JPEG or PNG).
PRIVACY_AGENT_UPLOAD_MAX_BYTES = env_int("PRIVACY_AGENT_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# The Privacy officers' daily digest lists open requests overdue and those due within this many days.
PRIVACY_REQUEST_REMIND_DAYS = env_int("PRIVACY_REQUEST_REMIND_DAYS", 5)

# --- Checkout (owner: checkout app) ------------------------------------------------------------------------
# Shipping fees per method (ShippingMethod values), VAT included, in euros; free from this items total up.
CHECKOUT_SHIPPING_FEES = {"courier": "4.90", "locker": "2.90", "store_pickup": "0.00"}
CHECKOUT_FREE_SHIPPING_FROM = env_str("CHECKOUT_FREE_SHIPPING_FROM", "80.00")
# Where "pick-up in store" orders wait: the delivery address of such an order (the customer's own address is
# the billing one).
CHECKOUT_STORE_ADDRESS = {
    "street": env_str("CHECKOUT_STORE_STREET", "Ermou"),
    "number": env_str("CHECKOUT_STORE_NUMBER", "24"),
    "city": env_str("CHECKOUT_STORE_CITY", "Athens"),
    "postcode": env_str("CHECKOUT_STORE_POSTCODE", "10563"),
    "country": "GR",
}
# How long the emailed link to pay for an order approved after a fraud review works.
CHECKOUT_PAY_LINK_SECONDS = env_int("CHECKOUT_PAY_LINK_SECONDS", 7 * 24 * 3600)
# --- end of checkout ---------------------------------------------------------------------------------------
