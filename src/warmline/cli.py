"""The `warmline` command: Django's management commands plus our own
(demo, serve, createadmin, stats, token)."""

import os
import secrets
import sys
from pathlib import Path


def _demo_secret_key() -> None:
    """The demo serves with DEBUG off, like production, so it needs a real
    secret: make one once and keep it beside the demo database."""
    from warmline import env

    if "SECRET_KEY" in os.environ or "SECRET_KEY_FILE" in os.environ:
        return
    data_dir = Path(env.string("WARMLINE_DATA_DIR", str(Path.cwd() / "var")))
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    os.environ["SECRET_KEY_FILE"] = str(key_file)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warmline.settings")
    if sys.argv[1:2] == ["demo"]:
        _demo_secret_key()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        print(f"warmline: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
