"""The methodist computes zones with the example method, sees why a school is red, creates a
measure for all red schools in a draft roadmap; the director of that school sees the measure."""

import re
from datetime import date

from playwright.sync_api import expect

from monitoring.analysis.demo import load_demo_analysis
from monitoring.models import Assessment, StudentResult
from roadmaps.models import Assignment, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login


def _results(organization, marks):
    assessment, _ = Assessment.objects.get_or_create(kind="vpr", year=2026, subject="Математика", grade=5)
    StudentResult.objects.bulk_create(
        StudentResult(assessment=assessment, organization=organization, mark=mark, journal_mark=mark) for mark in marks
    )


def test_methodist_targets_red_schools_and_director_sees_measure(page, demo_people):
    red_school = Organization.objects.get(code="sch640101")
    green_school = Organization.objects.get(code="sch640102")
    _results(red_school, [2, 2, 2, 2, 2, 3, 3, 4, 4, 5])  # «2»: 50 % → red by the example method
    _results(green_school, [3, 4, 4, 5, 5, 4, 3, 4, 5, 5])
    load_demo_analysis()  # indicators, the example method approved for 2026, values from these results
    authority = Organization.objects.get(code="uo6401")
    roadmap = Roadmap.objects.create(
        owner=authority,
        title="Дорожная карта 2025/2026 (проект)",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
    )
    section = Section.objects.create(roadmap=roadmap, kind=Section.Kind.HEADING, heading="Адресная помощь школам")

    login(page, "methodist")
    page.get_by_role("link", name="Мониторинг").click()
    expect(page.get_by_role("heading", name=re.compile("Мониторинг"))).to_be_visible()
    page.get_by_role("button", name="Рассчитать зоны").click()
    tile = page.locator("[data-organization='sch640101']")
    expect(tile).to_have_class(re.compile("zone-red"))
    expect(page.locator("[data-organization='sch640102']")).to_have_class(re.compile("zone-green"))

    tile.get_by_role("link").click()
    explanation = page.locator(".zone-explanation")
    expect(page.locator(".zone-badge.zone-red").first).to_have_text("Красная")
    row = explanation.locator("tr", has_text="Доля обучающихся, выполнивших ВПР на «2»")
    expect(row).to_contain_text("50,0")
    expect(row).to_contain_text("[25; 100]")
    expect(row).to_contain_text("красная")

    page.go_back()
    page.get_by_role("button", name="Выбрать все красные").click()
    expect(page.locator(f"#org-{red_school.pk}")).to_be_checked()
    expect(page.locator(f"#org-{green_school.pk}")).not_to_be_checked()
    page.get_by_label("Раздел дорожной карты (черновик)").select_option(str(section.pk))
    page.get_by_label("Мероприятие", exact=True).fill("Методический выезд: анализ результатов ВПР по математике")
    page.get_by_label("Сроки", exact=True).fill("до 20 декабря 2025 года")
    page.get_by_role("button", name="Создать для выбранных").click()
    expect(page.get_by_text("Адресные меры созданы для 1 организации")).to_be_visible()
    assignment = Assignment.objects.get(measure__description__startswith="Методический выезд")
    assert assignment.organization == red_school and assignment.due_date == date(2025, 12, 20)

    page.context.clear_cookies()
    login(page, "director")
    page.get_by_role("link", name="Мониторинг").click()
    expect(page.get_by_role("heading", name=red_school.short_name)).to_be_visible()
    # The draft roadmap's measure shows apart: not executed nor counted until the roadmap is approved.
    expect(page.locator("#draft-assignments")).to_contain_text(
        "Методический выезд: анализ результатов ВПР по математике"
    )
