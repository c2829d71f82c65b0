"""Reads settings from the environment, failing loudly with the variable's name.

Every setting NAME can also come from a file named by NAME_FILE (for Docker or
systemd secrets); giving both is an error, since one would silently win.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ImproperlyConfigured):
    """A setting from the environment has a bad value; the message names it."""


def raw(name: str, default: str | None = None) -> str | None:
    direct = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if direct is not None and file_name is not None:
        raise SettingError(f"{name} and {name}_FILE are both set; set only one of them.")
    if file_name is not None:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise SettingError(f"{name}_FILE: cannot read {file_name!r}: {exc.strerror}") from exc
    return direct if direct is not None else default


def string(name: str, default: str) -> str:
    value = raw(name, default)
    assert value is not None
    return value


def boolean(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name}: expected true or false, got {value!r}.")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise SettingError(f"{name}: expected a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise SettingError(f"{name}: must be at least {minimum}, got {number}.")
    return number


def choice(name: str, default: str, allowed: list[str]) -> str:
    value = string(name, default).strip().upper()
    if value not in allowed:
        raise SettingError(f"{name}: expected one of {', '.join(allowed)}, got {value!r}.")
    return value


def url(name: str, default: str) -> str:
    value = string(name, default).strip().rstrip("/")
    parts = _split(name, value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingError(f"{name}: expected an http:// or https:// URL, got {value!r}.")
    return value


def directory(name: str, default: str) -> Path:
    """A folder the app may create and write into."""
    path = Path(string(name, default)).expanduser()
    try:
        path = path.resolve()
        if path.exists() and not path.is_dir():
            raise SettingError(f"{name}: {str(path)!r} exists and is not a folder.")
    except OSError as exc:
        raise SettingError(f"{name}: cannot use {str(path)!r}: {exc.strerror}.") from None
    return path


def make_directory(name: str, path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingError(f"{name}: cannot create the folder {str(path)!r}: {exc.strerror}.") from None


def string_list(name: str, default: list[str]) -> list[str]:
    value = raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _split(name: str, url: str):
    try:
        return urlsplit(url)
    except ValueError as exc:
        raise SettingError(f"{name}: cannot parse {url!r}: {exc}.") from None


def database(name: str, default: str) -> dict:
    """Parses DATABASE_URL into Django's DATABASES entry, tuned per engine."""
    import dj_database_url

    url = string(name, default)
    scheme = _split(name, url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(
            f"{name}: unsupported database {scheme or url!r}; use sqlite:///path or postgres://user@host/db."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except ValueError as exc:
        raise SettingError(f"{name}: cannot parse {url!r}: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name_ = str(config["NAME"])
        if name_ not in ("", ":memory:") and not Path(name_).parent.is_dir():
            raise SettingError(f"{name}: the folder of the SQLite file {name_!r} does not exist.")
        # WAL lets readers proceed during a write; IMMEDIATE takes the write
        # lock at BEGIN so concurrent writers wait (busy timeout) instead of
        # failing with "database is locked" half-way through a transaction.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            # A 64 MB page cache (the default is 2 MB) keeps the indexes of a large
            # network in memory during imports.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            ),
        }
    else:
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_HEALTH_CHECKS"] = True
        config["CONN_MAX_AGE"] = integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    return config


def email(name: str, default: str) -> dict:
    """Parses EMAIL_URL: smtp://user:pass@host:port, smtp+tls://, smtp+ssl://, console:, or locmem:."""
    url = string(name, default)
    parts = _split(name, url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise SettingError(
            f"{name}: unsupported scheme {parts.scheme or url!r}; use smtp://, smtp+tls://, smtp+ssl://, console: or locmem:."
        )
    result = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        if not parts.hostname:
            raise SettingError(f"{name}: {url!r} has no host.")
        try:
            port = parts.port
        except ValueError:
            raise SettingError(f"{name}: {url!r} has a bad port.") from None
        default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[parts.scheme]
        timeout = parse_qs(parts.query).get("timeout", ["10"])[0]
        if not timeout.isdigit():
            raise SettingError(f"{name}: timeout must be a whole number of seconds, got {timeout!r}.")
        result.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or default_port,
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
            EMAIL_TIMEOUT=int(timeout),
        )
    return result
