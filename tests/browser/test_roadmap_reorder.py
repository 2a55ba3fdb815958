"""Reordering in the browser: sections by drag and drop (SortableJS), measures by the arrow buttons."""

from playwright.sync_api import expect

from roadmaps.models import Roadmap
from tests.browser.conftest import login


def test_methodist_reorders_sections_by_drag_and_measures_by_buttons(page, demo):
    # the demo municipality's own draft (the region's roadmap brought down to it is another)
    draft = Roadmap.objects.get(status=Roadmap.Status.DRAFT, owner__code="uo6401", cascaded_from=None)
    login(page, "methodist")
    page.goto(f"/roadmaps/{draft.pk}/")
    page.wait_for_load_state("networkidle")
    items = page.locator("#section-order li[data-id]")
    first_id, second_id = items.nth(0).get_attribute("data-id"), items.nth(1).get_attribute("data-id")

    items.nth(0).locator(".drag-handle").drag_to(items.nth(1), target_position={"x": 20, "y": 30})
    expect(page.locator("tbody.roadmap-section").first).to_have_attribute("id", f"section-{second_id}")
    order = list(draft.sections.order_by("order").values_list("pk", flat=True))
    assert order[:2] == [int(second_id), int(first_id)]

    section = page.locator("tbody.roadmap-section").first
    first_text = section.locator("tr.measure-row").nth(0).locator(".measure-description").inner_text()
    section.locator("tr.measure-row").nth(0).get_by_role("button", name="Ниже").click()
    expect(
        page.locator("tbody.roadmap-section").first.locator("tr.measure-row").nth(1).locator(".measure-description")
    ).to_have_text(first_text)
    page.wait_for_load_state("networkidle")
