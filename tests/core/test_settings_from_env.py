"""Settings come from the environment (or NAME_FILE) and bad values fail at
start-up with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline import env

WARMLINE = str(Path(sys.executable).parent / "warmline")


def _run(args, **extra_env):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    environ.update(extra_env)
    return subprocess.run([WARMLINE, *args], env=environ, capture_output=True, text=True, timeout=60)


def test_it_reads_a_setting_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert env.string("SECRET_KEY", "default") == "from-a-file"


def test_it_refuses_a_setting_given_twice(monkeypatch, tmp_path):
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("DEBUG_FILE", str(tmp_path / "x"))
    with pytest.raises(env.SettingError, match="DEBUG and DEBUG_FILE"):
        env.boolean("DEBUG", False)


def test_it_names_a_file_it_cannot_read(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(env.SettingError, match="SECRET_KEY_FILE: cannot read"):
        env.string("SECRET_KEY", "x")


@pytest.mark.parametrize(
    "name,value,call,message",
    [
        ("DEBUG", "maybe", lambda: env.boolean("DEBUG", False), "DEBUG: expected true or false, got 'maybe'"),
        ("PORT", "80a", lambda: env.integer("PORT", 8000), "PORT: expected a whole number, got '80a'"),
        ("PORT", "0", lambda: env.integer("PORT", 8000, minimum=1), "PORT: must be at least 1, got 0"),
        ("DATABASE_URL", "mysql://x/y", lambda: env.database("DATABASE_URL", ""), "DATABASE_URL: unsupported database 'mysql'"),
        ("EMAIL_URL", "smtp://", lambda: env.email("EMAIL_URL", ""), "EMAIL_URL: 'smtp://' has no host"),
        ("EMAIL_URL", "pigeon://x", lambda: env.email("EMAIL_URL", ""), "EMAIL_URL: unsupported scheme 'pigeon'"),
        ("EMAIL_URL", "smtp://h:99999", lambda: env.email("EMAIL_URL", ""), "EMAIL_URL: 'smtp://h:99999' has a bad port"),
        ("LOG_LEVEL", "LOUD", lambda: env.choice("LOG_LEVEL", "INFO", ["INFO"]), "LOG_LEVEL: expected one of INFO"),
        ("SITE_URL", "warmline.example", lambda: env.url("SITE_URL", ""), "SITE_URL: expected an http:// or https:// URL"),
        ("WARMLINE_DATA_DIR", __file__, lambda: env.directory("WARMLINE_DATA_DIR", ""),
         f"WARMLINE_DATA_DIR: {__file__!r} exists and is not a folder"),
    ],
)
def test_it_names_the_variable_with_a_bad_value(monkeypatch, name, value, call, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(env.SettingError) as info:
        call()
    assert str(info.value).startswith(message)


def test_it_parses_smtp_urls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer%40acme.test:p%2Fss@mail.acme.test?timeout=5")
    config = env.email("EMAIL_URL", "console:")
    assert config["EMAIL_HOST"] == "mail.acme.test" and config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "mailer@acme.test" and config["EMAIL_HOST_PASSWORD"] == "p/ss"
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"] and config["EMAIL_TIMEOUT"] == 5


def test_it_tunes_sqlite_for_concurrent_use(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/w.sqlite3")
    options = env.database("DATABASE_URL", "")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_it_uses_psycopg_for_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5433/warm")
    config = env.database("DATABASE_URL", "")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "warm")
    import psycopg  # the backend Django picks when psycopg 3 is installed

    assert psycopg.__version__.startswith("3.")


# What an environment variable can hold: any UTF-8 text without NUL.
ENV_TEXT = st.characters(codec="utf-8", exclude_characters="\x00")


def _parse(parser, value):
    """Parses VALUE as the variable WARMLINE_PROBE: the result, or the
    SettingError that names the variable. Any other exception is a bug."""
    os.environ["WARMLINE_PROBE"] = value
    try:
        return parser("WARMLINE_PROBE")
    except env.SettingError as exc:
        assert str(exc).startswith("WARMLINE_PROBE"), exc
        return exc
    finally:
        del os.environ["WARMLINE_PROBE"]


@given(st.text(ENV_TEXT, max_size=20))
def test_it_parses_any_boolean_or_names_the_variable(value):
    result = _parse(lambda name: env.boolean(name, False), value)
    if not isinstance(result, env.SettingError):
        assert result is (value.strip().lower() in {"1", "true", "yes", "on"})


@given(st.one_of(st.text(ENV_TEXT, max_size=40), st.from_regex(r"\A(smtp|smtp\+tls|smtp\+ssl|console|x)://[^\x00]{0,30}\Z")))
def test_it_parses_any_email_url_or_names_the_variable(value):
    result = _parse(lambda name: env.email(name, "console:"), value)
    if not isinstance(result, env.SettingError):
        assert result["EMAIL_BACKEND"].startswith("django.core.mail.backends.")


@given(st.one_of(st.text(ENV_TEXT, max_size=40), st.from_regex(r"\A(sqlite|postgres|postgresql|x)://[^\x00]{0,30}\Z")))
def test_it_parses_any_database_url_or_names_the_variable(value):
    result = _parse(lambda name: env.database(name, "sqlite://"), value)
    if not isinstance(result, env.SettingError):
        assert result["ENGINE"] in ("django.db.backends.sqlite3", "django.db.backends.postgresql")


def test_it_fails_at_start_up_naming_the_variable(tmp_path):
    result = _run(["check"], DEBUG="sometimes", WARMLINE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DEBUG: expected true or false, got 'sometimes'" in result.stderr


def test_it_refuses_to_serve_with_the_default_secret(tmp_path):
    result = _run(["serve", "--port", "8999"], DEBUG="false", WARMLINE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY: refusing to serve with DEBUG off and the default secret key" in result.stderr


def test_it_refuses_to_load_the_wsgi_app_with_the_default_secret(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    environ["WARMLINE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import warmline.wsgi"], env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "SECRET_KEY: refusing to serve" in result.stderr

