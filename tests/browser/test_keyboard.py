"""Keyboards and the menu (issue 20): the first Tab reaches «Перейти к содержимому», Enter on it
puts the focus in the page's content; a menu link that has the focus shows a ring you can see;
at 1280 px the menu holds on one line for every person."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login


def has_visible_focus_ring(page) -> bool:
    return page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
          return outline || (style.boxShadow && style.boxShadow !== 'none');
        }"""
    )


def test_skip_link_is_the_first_stop_and_leads_to_the_content(page, demo_people):
    login(page, "methodist")
    page.goto("/roadmaps/")
    skip = page.get_by_role("link", name="Перейти к содержимому")
    expect(skip).not_to_be_in_viewport()  # out of sight until a keyboard reaches it

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert has_visible_focus_ring(page)

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.closest('main#content') !== null")
    # The next Tab goes on inside the content, not back to the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main#content') !== null")


def test_menu_link_with_focus_shows_a_ring(page, demo_people):
    login(page, "methodist")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand «МУКО»
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#main-nav') !== null")
    assert focused, "третья остановка Tab — ссылка меню"
    assert page.evaluate("document.activeElement.classList.contains('nav-link')")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; })()"
    )
    assert style["style"] != "none" and style["width"] >= 2, style


@pytest.mark.parametrize("username", ["admin", "methodist", "director", "viewer", "region_methodist"])
def test_menu_does_not_wrap_at_1280(page, demo_people, username):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, username)
    links = page.locator("#main-nav > .navbar-nav > .nav-item > .nav-link")
    expect(links.first).to_be_visible()
    boxes = page.evaluate(
        """[...document.querySelectorAll('#main-nav > .navbar-nav > .nav-item > .nav-link')].map(a => ({
            text: a.textContent.trim(), top: Math.round(a.getBoundingClientRect().top),
            lines: (() => {
                const range = document.createRange();
                range.selectNodeContents(a);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            })(),
        }))"""
    )
    assert len(boxes) >= 5, boxes
    assert len({box["top"] for box in boxes}) == 1, f"меню в несколько строк: {boxes}"
    assert all(box["lines"] <= 1 for box in boxes), f"пункт меню переносится: {boxes}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
