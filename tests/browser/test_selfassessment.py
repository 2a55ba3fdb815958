"""The self-assessment from the methodist's side: the matrix of directions × cycle stages, a cell
below its full mark followed to «Создать мероприятие», and the measure in the roadmap's changes."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from reports.testing import create_roadmap
from roadmaps.models import Direction, Measure, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login


def test_methodist_turns_a_missing_cell_into_a_draft_measure(page, demo_people):
    today = timezone.localdate()
    year = today.year + 1 if today.month >= 9 else today.year
    authority = Organization.objects.get(code="uo6401")
    approved = create_roadmap(
        owner=authority, title="Дорожная карта по объективности оценочных процедур", code="1.1",
        period_start=datetime.date(year - 1, 9, 1), period_end=datetime.date(year, 8, 31),
        status=Roadmap.Status.APPROVED,
    )  # fmt: skip
    Section.objects.create(roadmap=approved, direction=Direction.objects.get(code="1.1"), order=1)

    login(page, "methodist")
    page.get_by_role("link", name="Отчёты", exact=True).click()
    page.get_by_role("link", name="Самооценка механизмов управления").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Самооценка механизмов управления качеством образования")
    expect(page.locator("table.selfassessment-matrix tbody tr")).to_have_count(8)  # the eight directions
    # a cell's link unfolds its details, which name what is missing
    page.locator("td[data-cell='1.1:indicators'] a").click()
    details = page.locator("#cell-11-indicators")
    expect(details).to_have_attribute("open", "")
    expect(details).to_contain_text(
        "Нет мероприятия этапа «Показатели» в утверждённой дорожной карте по направлению 1.1"
    )
    expect(page.get_by_text("«Создать мероприятие» начнёт изменение утверждённой дорожной карты")).to_be_visible()
    page.get_by_role("button", name="Создать мероприятие: 1.1, Показатели").click()
    page.wait_for_url(re.compile(r"/roadmaps/\d+/"))
    expect(
        page.get_by_text("Мероприятие направления 1.1, этап «Показатели», добавлено в изменения дорожной карты")
    ).to_be_visible()
    measure = Measure.objects.get(section__roadmap__amends=approved, stage__code="indicators")
    assert measure.section.direction.code == "1.1" and measure.section.roadmap.status == Roadmap.Status.DRAFT
    expect(page.locator(f"#measure-{measure.pk}")).to_contain_text(measure.description[:40])
