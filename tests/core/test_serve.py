"""`warmline serve` runs gunicorn with whitenoise: it answers, serves hashed
static files, and stops cleanly on SIGTERM."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

WARMLINE = str(Path(sys.executable).parent / "warmline")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def server(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    environ.update(WARMLINE_DATA_DIR=str(tmp_path), SECRET_KEY="a-test-secret-" + "x" * 40)
    port = _free_port()
    process = subprocess.Popen(
        [WARMLINE, "serve", "--migrate", "--port", str(port), "--workers", "1"],
        env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"warmline serve exited early:\n{process.stdout.read()}")
        try:
            if _get(base + "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("warmline serve did not answer within 60 s")
    yield base, process
    if process.poll() is None:
        process.kill()
        process.wait()


def test_it_serves_pages_and_hashed_static_files(server):
    base, _ = server
    status, login = _get(base + "/login/")
    assert status == 200 and "Sign in" in login
    css = re.search(r'href="(/static/warmline/app\.[0-9a-f]{12}\.css)"', login)
    assert css, "static URLs carry a content hash in production"
    assert _get(base + css.group(1))[0] == 200
    htmx = re.search(r'src="(/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js)"', login)
    assert htmx and _get(base + htmx.group(1))[0] == 200
    assert "cdn" not in login.lower() and "unpkg" not in login.lower()


def test_it_answers_the_api_with_its_error_format(server):
    base, _ = server
    status, body = _get(base + "/api/v1/me")
    assert status == 401 and '"not_authenticated"' in body


def test_it_stops_cleanly_on_sigterm(server):
    _, process = server
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
