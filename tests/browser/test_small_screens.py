"""Small screens (issue 20): every role's home and roadmap page at a phone's 390 px and a desktop's
1440 px, with nothing wider than the window (no sideways scroll). Full-page screenshots go to
test-artifacts/screenshots/<role>-<page>-<width>.png (or $SCREENSHOT_DIR) for a person to look at;
on a phone the roadmap reads as cards, one measure per card under its column names."""

import os
import re
from pathlib import Path

from tests.browser.conftest import login

ROLES = ["admin", "official", "methodist", "director", "viewer", "region_methodist", "region_official"]
SIZES = [(390, 844), (1440, 900)]
ROOT = Path(__file__).resolve().parents[2]


def screenshot_dir() -> Path:
    directory = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "test-artifacts" / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def first_roadmap(page) -> str:
    page.goto("/roadmaps/")
    paths = page.evaluate("[...document.querySelectorAll('main a[href]')].map(a => a.pathname)")
    return next(path for path in paths if re.match(r"^/roadmaps/\d+/$", path))


def overflow(page) -> str | None:
    """None when the page fits the window; otherwise the widths and the widest elements."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width <= inner:
        return None
    culprits = page.evaluate(
        """[...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))"""
    )
    return f"scrollWidth {width} > {inner}: {culprits}"


def card_problems(page) -> list[str]:
    """A phone shows each measure as a card: its cells stacked one under another, as wide as the
    card, each under its column's name; the table's header row is out of sight."""
    cards = page.locator("tr.measure-row")
    if not cards.count():
        return ["в дорожной карте нет мероприятий — карточки не проверены"]
    cells = cards.first.evaluate(
        """row => [...row.children].filter(td => td.offsetParent !== null).map(td => {
            const box = td.getBoundingClientRect();
            return {label: td.dataset.label || null, left: Math.round(box.left), right: Math.round(box.right),
                    before: getComputedStyle(td, '::before').content};
        })"""
    )
    labels = {cell["label"] for cell in cells}
    problems = []
    if not {"№", "Сроки", "Исполнители"} <= labels or not labels & {"Мероприятие", "Региональный уровень"}:
        problems.append(f"в карточке не все поля: {labels}")
    if len({cell["left"] for cell in cells}) != 1:
        problems.append(f"ячейки не друг под другом: {cells}")
    if any(cell["right"] > page.viewport_size["width"] for cell in cells):
        problems.append(f"ячейка шире экрана: {cells}")
    if any(cell["before"] != f'"{cell["label"]}"' for cell in cells if cell["label"]):
        problems.append(f"у ячеек нет подписей: {cells}")
    if (
        page.locator("#plan-table thead").is_visible()
        and page.locator("#plan-table thead").bounding_box()["height"] > 1
    ):
        problems.append("у карточек видна строка заголовков таблицы")
    return problems


def test_homes_and_roadmaps_fit_phone_and_desktop(browser, live_server, demo):
    directory = screenshot_dir()
    problems = []
    for role in ROLES:
        context = browser.new_context(locale="ru-RU", base_url=live_server.url, viewport={"width": 1440, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            login(page, role)
            pages = {"home": "/", "roadmap": first_roadmap(page)}
            for width, height in SIZES:
                page.set_viewport_size({"width": width, "height": height})
                for name, path in pages.items():
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    target = directory / f"{role}-{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    assert target.stat().st_size > 0
                    if problem := overflow(page):
                        problems.append(f"{role} {path} at {width}px: {problem}")
                    if name == "roadmap" and width < 576:
                        problems += [f"{role} {path} at {width}px: {p}" for p in card_problems(page)]
                    # the editor's list of sections is open on a desktop and folded on a phone
                    folds = page.locator("details[data-fold-on-phone]")
                    if folds.count() and folds.first.evaluate("d => d.open") != (width >= 576):
                        problems.append(f"{role} {path} at {width}px: список разделов не свёрнут/развёрнут как надо")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
