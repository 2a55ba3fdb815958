"""The official's home in a browser: what waits for approval first, each counter a link to a list
of exactly that many rows. A screenshot goes to the test's tmp dir."""

import datetime

import pytest
from playwright.sync_api import expect

from reports.testing import create_roadmap
from roadmaps.models import Order, Roadmap
from schools.models import Organization
from tests.browser.conftest import login


def waiting_for_the_official() -> None:
    authority = Organization.objects.get(code="uo6401")
    for title in ("План по объективности ВПР (на утверждении)", "План по работе с ШНОР (на утверждении)"):
        create_roadmap(
            owner=authority,
            code="1.1",
            title=title,
            period_start=datetime.date(2026, 9, 1),
            period_end=datetime.date(2027, 8, 31),
            status=Roadmap.Status.ON_APPROVAL,
        )
    Order.objects.create(organization=authority, date=datetime.date(2026, 8, 28), title="Об утверждении планов")


@pytest.mark.parametrize("width", [1440, 390])
def test_official_home_leads_to_what_waits(page, demo_people, width, tmp_path):
    waiting_for_the_official()
    page.set_viewport_size({"width": width, "height": 1000})
    login(page, "official")
    panel = page.locator("#home-official")
    expect(panel).to_be_visible()
    page.screenshot(path=str(tmp_path / f"official-home-{width}.png"), full_page=True)
    todos = panel.locator("a.home-todo")
    keys = [todos.nth(i).get_attribute("data-todo") for i in range(todos.count())]
    assert keys[:2] == ["roadmaps-on-approval", "orders-draft"]  # approvals first
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    panel.locator('a[data-todo="roadmaps-on-approval"]').click()
    page.wait_for_url("**/roadmaps/?status=on_approval&mine=approve")
    expect(page.locator("#roadmap-rows")).to_contain_text("Найдено: 2")
    expect(page.locator("#roadmap-rows")).to_contain_text("План по работе с ШНОР")

    page.goto("/")
    page.locator('#home-official a[data-todo="orders-draft"]').click()
    page.wait_for_url("**/reports/orders/?status=draft&mine=sign")
    expect(page.locator("#order-rows #list-count")).to_have_text("1")
