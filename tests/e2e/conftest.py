"""End-to-end tests: the real app on pytest-django's live server, driven in Debian's Chromium."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(
    os.environ.get("DUBAN_SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "test-output" / "e2e")
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian chromium is not installed: run `apt-get install -y chromium fonts-noto-cjk` "
            "(./duban test does this when run as root)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while the browser lives, so
    # Django would refuse the tests' own ORM calls (and the database flush after them).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return _shot


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def _page(width=1366, height=768):
        ctx = browser.new_context(
            viewport={"width": width, "height": height}, locale="zh-CN", base_url=live_server.url
        )
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        return page

    yield _page
    for ctx in contexts:
        ctx.close()


def login(page, username, password):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def pick_unit(page, name, unit):
    """The unit pickers are search boxes (thousands of units at province scale): type, pick."""
    typed = unit.name[:3]
    dropdown = "#" + page.eval_on_selector(f'select[name="{name}"]', "e => e.id") + "-ts-dropdown"
    # the text input, not the middle of the box: with units chosen there sits a chip's remove button
    search = page.locator(f'select[name="{name}"] + .ts-wrapper .ts-control input')
    search.click()
    # fill, not key presses: keys typed while the box is still taking focus can be lost (a
    # partial search then lists other units and the wait below never ends)
    search.fill(typed)
    # the list filters a moment after typing: click only once it shows the matches (clicking the
    # unfiltered list can hit another unit as the rows move)
    page.wait_for_function(
        """([d, t]) => { const o = [...document.querySelectorAll(d + ' .option')];
                         return o.length > 0 && o.every(e => e.textContent.includes(t)); }""",
        arg=[dropdown, typed],
    )
    page.click(f'{dropdown} [data-value="{unit.pk}"]')
    assert page.eval_on_selector(
        f'select[name="{name}"]', "e => [...e.selectedOptions].map(o => o.value)"
    ).count(str(unit.pk))
