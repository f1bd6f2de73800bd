"""Browser tests: a real headless Chromium (Debian's package) driven by Playwright."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# to set up data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's 'chromium' package to run the browser tests."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        yield browser
        browser.close()


def reader_context(browser, live_server, **options):
    """A new desktop-sized browser context (no cookie yet) that records, in `external`, every
    request leaving the site."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ar", **options)
    context.set_default_timeout(8000)
    context.external = []
    context.on(
        "request",
        lambda request: (
            request.url.startswith((live_server.url, "data:")) or context.external.append(request.url)
        ),
    )
    return context


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page that fails the test on any request leaving the site."""
    context = reader_context(browser, live_server)
    page = context.new_page()
    yield page
    context.close()
    assert context.external == [], "pages must make no external requests"


@pytest.fixture
def screenshot():
    """Saves a picture of a whole page, or of one element, to artifacts/screenshots/ for people
    to look at. Only `make screenshots` (SCREENSHOTS=1) takes them: no test asserts anything
    about them, and encoding a full-page PNG costs a browser test up to a second."""

    def take(target, name):
        if os.environ.get("SCREENSHOTS") != "1":
            return
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        whole_page = {"full_page": True} if isinstance(target, Page) else {}
        target.screenshot(path=str(ARTIFACTS / f"{name}.png"), **whole_page)

    return take
