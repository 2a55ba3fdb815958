"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against live_server.

Playwright never downloads a browser here. Without Chromium the tests are skipped locally,
and fail in CI (CI=true), where .ci/run must have installed it.
"""

import os
from pathlib import Path

import pytest

from roadmaps.catalogue import catalogue_load

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"В CI нет {CHROMIUM}: .ci/run должен установить пакет chromium")
        pytest.skip(f"нет {CHROMIUM}: установите пакет chromium, чтобы выполнить браузерные тесты")
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits as long as an action: under CI's load (two test workers beside the
    # browser) a save's round trip can outlast expect's own 5 s, which failed a correct page.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ru-RU", base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"Ошибки JavaScript на странице: {errors}"


@pytest.fixture
def demo(transactional_db, settings):
    """The demo municipality, loaded the way `make run` loads it (transactional tests start empty)."""
    from django.core.management import call_command

    settings.DEBUG = True
    catalogue_load()
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)


def login(page, username: str, password: str = "demo-password") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/")


@pytest.fixture
def demo_people(transactional_db):
    """Only the demo municipality's organisations and people, for tests that build their own plans."""
    from schools.demo import load_demo_schools

    catalogue_load()
    load_demo_schools()
