"""The cascade in a browser: the region approves its three-level roadmap and brings it down; the
municipality completes its draft and approves it; a school hands in evidence, the methodist accepts;
the region's card of the line shows the municipality's approved plan and the accepted occurrence."""

import re
from datetime import date

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from roadmaps import services
from roadmaps.models import Assignment, Direction, Measure, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login
from tests.browser.test_execution_flow import add_evidence, switch_to

MUNICIPAL = "Организация участия образовательных учреждений во Всероссийских проверочных работах"
SCHOOL = "Участие во Всероссийских проверочных работах в штатном режиме (обязательное участие)"


def regional_on_approval() -> Roadmap:
    ministry = Organization.objects.get(code="min64")
    by = get_user_model().objects.get(username="region_methodist")
    roadmap = services.roadmap_create(
        owner=ministry,
        by=by,
        title="Дорожная карта по развитию региональной системы оценки качества образования (браузерный тест)",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        period_kind=Roadmap.PeriodKind.CALENDAR,
        level=Roadmap.Level.REGIONAL,
        approver_position="Заместитель министра образования",
        approver_name="А.П. Соколов",
    )
    section = services.section_create(
        roadmap=roadmap, by=by, kind=Section.Kind.DIRECTION, direction=Direction.objects.get(code="1.1")
    )
    services.measure_create(
        section=section,
        by=by,
        description="Участие образовательных учреждений Саратовской области во Всероссийских проверочных работах",
        deadline_text="2027",
        municipal_text=MUNICIPAL,
        school_text=SCHOOL,
    )
    services.roadmap_submit(roadmap=roadmap, by=by)
    return roadmap


def test_region_publishes_municipality_approves_school_reports_region_sees_it(page, demo_people):
    regional = regional_on_approval()
    page.on("dialog", lambda dialog: dialog.accept())  # «Довести до муниципалитетов?»

    login(page, "region_official")
    page.goto(f"/roadmaps/{regional.pk}/")
    expect(page.locator("#plan-table thead")).to_contain_text("Муниципальный уровень")
    expect(page.locator("#plan-table")).to_contain_text(SCHOOL)
    page.get_by_label("Номер приказа").fill("01-10/215")
    page.get_by_label("Дата приказа").fill("2026-01-15")
    page.get_by_role("button", name="Утвердить приказом").click()
    expect(page.locator(".roadmap-toolbar .roadmap-status")).to_have_text("Утверждена")
    page.get_by_role("button", name="Довести до муниципалитетов").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_text(re.compile("Создано черновиков муниципальных карт: 2"))).to_be_visible()

    draft = Roadmap.objects.get(cascaded_from=regional, owner__code="uo6401")
    switch_to(page, "methodist")
    page.goto(f"/roadmaps/{draft.pk}/")
    expect(page.locator("#cascaded-from")).to_contain_text("доведена из региональной карты")
    rows = page.locator("tr.measure-row")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("button", name="Изменить").click()
    edit = page.locator("tr.measure-form-row")
    edit.get_by_label("Сроки (как в документе)").fill("Март 2027")
    edit.get_by_role("button", name="Сохранить").click()
    expect(page.locator("tr.measure-form-row")).to_have_count(0)
    expect(page.locator("tr.measure-row").first).to_contain_text("Март 2027")
    page.get_by_role("button", name="Отправить на утверждение").click()
    expect(page.locator(".roadmap-toolbar .roadmap-status")).to_have_text("На утверждении")
    page.wait_for_load_state("networkidle")

    switch_to(page, "official")
    page.goto(f"/roadmaps/{draft.pk}/")
    page.get_by_label("Номер приказа").fill("415")
    page.get_by_label("Дата приказа").fill("2026-02-01")
    page.get_by_label("Подписал: ФИО").fill("Т.В. Разуваева")
    page.get_by_role("button", name="Утвердить приказом").click()
    expect(page.locator(".roadmap-toolbar .roadmap-status")).to_have_text("Утверждена")
    page.wait_for_load_state("networkidle")

    occurrence = Assignment.objects.get(
        measure__section__roadmap=draft, measure__cascade_level="school", organization__code="sch640101"
    )
    switch_to(page, "director")
    page.goto(f"/execution/occurrence/{occurrence.pk}/")
    add_evidence(page, "Протокол (совещания, заседания, педсовета)", "Протокол участия в ВПР", "впр.pdf")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("#assignment-state")).to_have_text("На проверке")

    switch_to(page, "methodist")
    page.goto(f"/execution/occurrence/{occurrence.pk}/")
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Исполнение принято")).to_be_visible()  # then the next waiting item or the queue
    page.goto(f"/execution/occurrence/{occurrence.pk}/")
    expect(page.locator("#assignment-state")).to_have_text("Принято")

    switch_to(page, "region_methodist")
    page.goto(f"/roadmaps/{regional.pk}/")
    page.get_by_role("link", name="По муниципалитетам").click()
    line = Measure.objects.get(section__roadmap=regional)
    page.wait_for_url(f"**/cascade/measure/{line.pk}/")
    ours = page.locator('#cascade-links tr[data-municipality="Новоузенский муниципальный район"]')
    expect(ours).to_contain_text(MUNICIPAL)
    expect(ours).to_contain_text("Утверждена")
    expect(ours.locator("td").nth(4)).to_have_text("1")  # accepted
    theirs = page.locator('#cascade-links tr[data-municipality="Ершовский муниципальный район"]')
    expect(theirs).to_contain_text("Черновик")
    page.goto(f"/cascade/roadmap/{regional.pk}/")
    expect(
        page.locator('#cascade-municipalities tr[data-municipality="Новоузенский муниципальный район"]')
    ).to_contain_text("Утверждена")
