"""Browser tests: a real Chromium, driven by Playwright, against a live server.

Every test here is marked `e2e`. Pages are driven by label and role
(get_by_label, get_by_role), so these tests double as an accessibility check.

The browser is Debian's Chromium at /usr/bin/chromium (Playwright's own
download needs the network). Without it the tests are skipped, except on CI
(CI=true), where they fail.

Screenshots of failed tests land in test-artifacts/<test name>.png at the
root of the repository; tests may save more with `screenshot(page, name)`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from tests.personas import PASSWORD, World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = "Debian's chromium is not installed: browser tests skipped; install the chromium package"
MISSING_CHROMIUM_ON_CI = (
    f"Debian's chromium is not installed at {CHROMIUM}, and CI=true requires the browser tests "
    "to run; install the chromium package"
)

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts"

TIMEOUT_MS = 10_000
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

expect.set_options(timeout=TIMEOUT_MS)


def _on_ci() -> bool:
    return os.environ.get("CI") == "true"


def _in_e2e(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(E2E_DIR)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    chromium_missing = not CHROMIUM.exists()
    for item in items:
        if not _in_e2e(item):
            continue
        item.add_marker(pytest.mark.e2e)
        if chromium_missing and not _on_ci():
            item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keeps each phase's report on the item, so the page fixture can tell at
    # teardown whether the test failed.
    report = yield
    if _in_e2e(item):
        item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(node: pytest.Item) -> bool:
    reports = node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves a PNG of the page to test-artifacts/NAME.png and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{_safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def _chromium() -> Path:
    if not CHROMIUM.exists():
        if _on_ci():
            pytest.fail(MISSING_CHROMIUM_ON_CI, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    return CHROMIUM


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API keeps an event loop running in this thread, so
    # Django would refuse the test's own ORM calls (SynchronousOnlyOperation).
    # Allow them only while the browser runs: per module, not for the session,
    # so the other tests keep Django's async-safety check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_chromium: Path, playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(_chromium), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _open_page(browser: Browser, request: pytest.FixtureRequest, base_url: str, **context_args) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, **context_args)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        if _failed(request.node):
            try:
                path = screenshot(page, request.node.name)
                print(f"Screenshot of the failed test: {path} (page {page.url})")
            except Exception as exc:  # the page may be gone; the test's own error matters more
                print(f"Could not save a screenshot of the failed test: {exc}")
        context.close()


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (1280x800) whose relative URLs go to the live server."""
    yield from _open_page(browser, request, live_server.url, **DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Like `page`, on a 390x844 touch screen that honours <meta name=viewport>."""
    yield from _open_page(browser, request, live_server.url, **PHONE)


@pytest.fixture
def e2e_world(transactional_db) -> World:
    """The named personas, committed so the live server's thread sees them."""
    return build_world()


def field(page: Page, label: str) -> Locator:
    """The form control labelled exactly LABEL, so "New password" does not
    also match "New password confirmation"."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*$"))


def login(page: Page, live_server, email: str, password: str = PASSWORD) -> None:
    """Signs in through the sign-in form and waits until the app lets the user in."""
    page.goto(f"{live_server.url}/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/login/" in page.url:
        errors = page.locator(".errorlist").all_inner_texts()
        raise AssertionError(f"Signing in as {email} failed: {' '.join(errors) or 'still on the sign-in page'}")


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
