"""The director's home in a browser, wide and narrow: what to act on first (returned, overdue, due
soon, not yet submitted), the accepted ones behind their counter, the roadmap named once per
group, every counter a link to its list. Screenshots go to the test's tmp dir."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.testing import create_roadmap
from roadmaps.models import Assignment, Direction, Measure, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login

ROADMAP = "Дорожная карта по обеспечению объективности оценочных процедур (браузерный тест)"


def plan_for_the_director() -> None:
    authority = Organization.objects.get(code="uo6401")
    school = Organization.objects.get(code="sch640101")
    roadmap = create_roadmap(
        owner=authority,
        code="1.1",
        title=ROADMAP,
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2027, 8, 31),
        status=Roadmap.Status.APPROVED,
    )
    section = Section.objects.create(roadmap=roadmap, direction=Direction.objects.get(code="1.1"), order=1)
    today = timezone.localdate()
    rows = [
        ("Педагогический совет по итогам ВПР", -5, Assignment.Status.ACCEPTED),
        ("Анализ результатов ВПР по предметам", -3, Assignment.Status.PLANNED),
        ("Посещение уроков с целью контроля объективности", -1, Assignment.Status.IN_PROGRESS),
        ("Совещание с учителями-предметниками", 2, Assignment.Status.PLANNED),
        ("Протокол родительского собрания", 12, Assignment.Status.RETURNED),
        ("Публикация отчёта на сайте школы", 45, Assignment.Status.PLANNED),
        ("План работы методического объединения", 60, Assignment.Status.PLANNED),
    ]
    for order, (description, offset, status) in enumerate(rows):
        measure = Measure.objects.create(section=section, number=f"{order + 1}", description=description, order=order)
        Assignment.objects.create(
            measure=measure, organization=school, due_date=today + datetime.timedelta(days=offset), status=status
        )


@pytest.mark.parametrize("width", [1440, 390])
def test_director_home_puts_action_first(page, demo_people, width, tmp_path):
    plan_for_the_director()
    page.set_viewport_size({"width": width, "height": 1000})
    login(page, "director")
    block = page.locator("#my-assignments")
    expect(block).to_be_visible()
    page.screenshot(path=str(tmp_path / f"director-home-{width}.png"), full_page=True)

    groups = block.locator("section.home-group")
    assert [groups.nth(i).get_attribute("data-state") for i in range(groups.count())] == [
        "returned",
        "overdue",
        "due_soon",
        "planned",
    ]
    expect(block).not_to_contain_text("Педагогический совет по итогам ВПР")  # accepted: behind its counter
    # The roadmap is named once per group, above its rows.
    overdue = block.locator('section.home-group[data-state="overdue"]')
    expect(overdue.locator("tr.assignment-row")).to_have_count(2)
    expect(overdue.locator("tr.roadmap-row")).to_have_count(1)
    expect(overdue.locator("tr.roadmap-row")).to_contain_text(ROADMAP[:40])
    # Nothing is wider than the screen (on the phone, too).
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Every counter is a link to its list; the list holds as many.
    counters = block.locator("#home-counters a")
    expected = {"returned": 1, "overdue": 2, "due_soon": 1, "planned": 2, "submitted": 0, "accepted": 1}
    assert {counters.nth(i).get_attribute("data-state"): counters.nth(i).locator(".count").inner_text() for i in range(counters.count())} == {
        state: str(n) for state, n in expected.items()
    }  # fmt: skip
    for state in ("overdue", "accepted"):
        page.goto("/")
        page.locator(f'#home-counters a[data-state="{state}"]').click()
        page.wait_for_url(f"**/execution/?state={state}")
        expect(page.locator(f'#state-tabs a[data-state="{state}"]')).to_have_class("nav-link py-1 active")
        expect(page.locator("#my-table a[href^='/execution/occurrence/']")).to_have_count(expected[state])
        page.screenshot(path=str(tmp_path / f"director-list-{state}-{width}.png"), full_page=True)
    page.goto("/")
    block.locator('section.home-group[data-state="overdue"] h3 a').click()
    page.wait_for_url("**/execution/?state=overdue")
