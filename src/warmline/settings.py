"""Django settings, all read from the environment (see docs/operations.md)."""

from pathlib import Path

from warmline import env

PACKAGE_DIR = Path(__file__).resolve().parent
# Where the SQLite database, collected static files and the demo secret live.
DATA_DIR = env.directory("WARMLINE_DATA_DIR", str(Path.cwd() / "var"))

DEFAULT_SECRET_KEY = "warmline-insecure-default-secret-key-change-me"
SECRET_KEY = env.string("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env.boolean("DEBUG", False)
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])
# Base URL used in emails (invitations, password resets) sent outside a request.
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "warmline.core",
    "warmline.network",
    "warmline.paths",
    "warmline.referrals",
    "warmline.targeting",
    "warmline.followups",
    "warmline.insights",
]

MIDDLEWARE = [
    # First, so that every 4xx under /api/ (even a bad Host) gets the JSON format.
    "warmline.api.middleware.ApiErrorFormatMiddleware",
    "warmline.core.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "warmline.core.middleware.ActiveMembershipMiddleware",
    "warmline.core.htmx.HtmxRedirectMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "warmline.urls"
WSGI_APPLICATION = "warmline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "warmline.core.context_processors.shell",
            ],
            # Money and durations appear on pages of every area.
            "builtins": ["warmline.core.templatetags.money"],
        },
    },
]

if env.raw("DATABASE_URL") is None:
    env.make_directory("WARMLINE_DATA_DIR", DATA_DIR)
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'warmline.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "warmline.core.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling: after AXES_FAILURE_LIMIT failures for one email from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "warmline.core.security.client_ip"
AXES_USERNAME_CALLABLE = "warmline.core.security.login_username"
# Behind a reverse proxy, trust its X-Forwarded-For and X-Forwarded-Proto
# (and only then: a client could forge them otherwise).
BEHIND_PROXY = env.boolean("WARMLINE_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_email = env.email("EMAIL_URL", "console:")
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Warmline <warmline@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The hour (UTC) from which the daily digests, and on Mondays the weekly reports, go out.
WARMLINE_DIGEST_HOUR = env.integer("WARMLINE_DIGEST_HOUR", 7, minimum=0)
if WARMLINE_DIGEST_HOUR > 23:
    raise env.SettingError(f"WARMLINE_DIGEST_HOUR: an hour from 0 to 23 (UTC), not {WARMLINE_DIGEST_HOUR}.")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INVITATION_DAYS = env.integer("WARMLINE_INVITATION_DAYS", 7, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Imports: the largest file accepted (bytes), from any channel.
WARMLINE_IMPORT_MAX_BYTES = env.integer("WARMLINE_IMPORT_MAX_BYTES", 100 * 1024 * 1024, minimum=1024)
# Uploads larger than this go to a temporary file rather than memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
