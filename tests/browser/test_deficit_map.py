"""The methodist clusters the schools, opens the deficit–resource map, and turns the suggested pair
(a red school and a green school of its cluster with a recorded good practice) into a measure of the
draft roadmap assigned to both schools."""

import re
from datetime import date

from playwright.sync_api import expect

from monitoring.analysis.demo import load_demo_analysis
from monitoring.models import Assessment, StudentResult
from roadmaps.models import Assignment, Evidence, EvidenceKind, Measure, Roadmap, Section
from schools.demo import load_demo_context
from schools.models import Organization
from tests.browser.conftest import login
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section


def _results(organization, marks):
    assessment, _ = Assessment.objects.get_or_create(kind="vpr", year=2026, subject="Математика", grade=5)
    StudentResult.objects.bulk_create(
        StudentResult(assessment=assessment, organization=organization, mark=mark, journal_mark=mark) for mark in marks
    )


def test_methodist_turns_a_pair_of_the_map_into_a_measure(page, demo_people):
    red_school = Organization.objects.get(code="sch640101")
    green_school = Organization.objects.get(code="sch640102")
    _results(red_school, [2, 2, 2, 2, 2, 3, 3, 4, 4, 5])  # «2»: 50 % → red by the example method
    _results(green_school, [3, 4, 4, 5, 5, 4, 3, 4, 5, 5])
    load_demo_context()
    load_demo_analysis()  # indicators, the example method approved for 2026, zones
    authority = Organization.objects.get(code="uo6401")
    # The green school has recorded its good practice on an occurrence of an approved roadmap.
    measure = make_measure(make_section(make_roadmap(authority)))
    Evidence.objects.create(
        assignment=make_assignment(measure, green_school, status=Assignment.Status.IN_PROGRESS),
        kind=EvidenceKind.objects.get(code="best_practice"),
        title="Групповые консультации по математике",
        link="https://sch640102.novouzensk.example/praktika",
    )
    draft = Roadmap.objects.create(
        owner=authority, title="Дорожная карта 2026/2027 (проект)", period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )  # fmt: skip
    section = Section.objects.create(roadmap=draft, kind=Section.Kind.HEADING, heading="Адресная помощь школам")

    login(page, "methodist")
    page.goto("/monitoring/")
    page.get_by_role("link", name="Кластеры").click()
    expect(page.get_by_role("heading", name=re.compile("Мониторинг"))).to_be_visible()
    page.get_by_label("Численность обучающихся").check()
    page.get_by_label("Сельская местность").check()
    page.get_by_role("button", name="Рассчитать кластеры").click()
    expect(page.get_by_test_id("clustering-choice")).to_contain_text("«Численность обучающихся», «Сельская местность»")
    expect(page.get_by_test_id("cluster").filter(has_text="Многочисленная городская")).to_contain_text(
        green_school.short_name
    )

    page.get_by_role("link", name="Дефициты и ресурсы").click()
    expect(page.get_by_role("heading", name=re.compile("Карта дефицитов и ресурсов"))).to_be_visible()
    rule = page.get_by_test_id("deficit-rule").filter(has_text="Доля обучающихся, выполнивших ВПР на «2»")
    pair = rule.get_by_test_id("pair").filter(has_text=red_school.short_name)
    expect(pair).to_contain_text(green_school.short_name)
    expect(pair).to_contain_text("один кластер: «Многочисленная городская»")
    pair.get_by_text("Создать мероприятие").click()
    expect(pair.get_by_label("Мероприятие")).to_have_value(re.compile("Групповые консультации по математике"))
    pair.get_by_label("Раздел черновика").select_option(str(section.pk))
    pair.get_by_label("Срок").fill("до 20 декабря 2026 года")
    pair.get_by_role("button", name="Назначить обеим школам").click()
    expect(page.get_by_text("назначено обеим школам")).to_be_visible()

    created = Measure.objects.get(section=section)
    assert set(created.assignments.values_list("organization__code", flat=True)) == {"sch640101", "sch640102"}
    assert created.assignments.get(organization=red_school).due_date == date(2026, 12, 20)
