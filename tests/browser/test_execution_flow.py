"""The execution path in a browser: the director reports, the methodist returns with a comment,
the director corrects and resubmits, the methodist accepts, the dashboard shows it accepted."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from reports.testing import create_roadmap
from roadmaps.execution.demo import tiny_pdf
from roadmaps.models import Assignment, Direction, EvidenceKind, Measure, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login


def approved_assignment() -> Assignment:
    authority = Organization.objects.get(code="uo6401")
    school = Organization.objects.get(code="sch640101")
    roadmap = create_roadmap(
        owner=authority,
        code="1.1",
        title="План мероприятий по обеспечению объективности оценочных процедур (браузерный тест)",
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2026, 12, 31),
        status=Roadmap.Status.APPROVED,
    )
    section = Section.objects.create(roadmap=roadmap, direction=Direction.objects.get(code="1.1"), order=1)
    measure = Measure.objects.create(
        section=section,
        number="1.4",
        description="Педагогический совет по итогам ВПР с анализом объективности результатов",
        actions=["Подготовить аналитическую справку", "Провести педсовет"],
    )
    measure.evidence_kinds.set(EvidenceKind.objects.filter(code__in=["protocol", "order"]))
    return Assignment.objects.create(
        measure=measure, organization=school, due_date=timezone.localdate() + datetime.timedelta(days=10)
    )


def switch_to(page, username):
    # Leave the page first: a request still in flight (the bell) would set the session cookie again.
    page.goto("about:blank")
    page.context.clear_cookies()
    login(page, username)


def add_evidence(page, kind_label, title, file_name):
    page.get_by_label("Вид документа").select_option(label=kind_label)
    page.get_by_label("Наименование").fill(title)
    page.get_by_label("Файл", exact=True).set_input_files(
        {"name": file_name, "mimeType": "application/pdf", "buffer": tiny_pdf([title])}
    )
    page.get_by_role("button", name="Добавить документ").click()
    expect(page.get_by_text(f"Документ «{title}» добавлен")).to_be_visible()


def test_director_reports_methodist_returns_then_accepts(page, demo_people):
    assignment = approved_assignment()
    measure_link = "1.4. Педагогический совет по итогам ВПР"  # printed as the roadmap's table numbers it

    login(page, "director")
    page.get_by_role("link", name=measure_link).first.click()
    page.wait_for_url(f"**/execution/occurrence/{assignment.pk}/")
    add_evidence(page, "Протокол (совещания, заседания, педсовета)", "Протокол педсовета № 3", "протокол.pdf")
    assert page.get_by_role("link", name="протокол.pdf").is_visible()
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("#assignment-state")).to_have_text("На проверке")

    switch_to(page, "methodist")
    page.get_by_role("link", name="Проверка").click()
    page.wait_for_url("**/execution/review/")
    page.get_by_role("link", name=measure_link).click()
    page.get_by_label("Замечание для руководителя").fill("Нет приказа о проведении педсовета — приложите его")
    page.get_by_role("button", name="Вернуть на доработку").click()
    # Nothing else waits: the reviewer is back at the (empty) queue, told so.
    page.wait_for_url("**/execution/review/")
    expect(page.get_by_text("Больше ничего не ждёт проверки")).to_be_visible()
    page.goto(f"/execution/occurrence/{assignment.pk}/")
    # The state (roadmaps.execution.state), not the decision's wording.
    expect(page.locator("#assignment-state")).to_have_text("На доработке")

    switch_to(page, "director")
    page.get_by_role("link", name=measure_link).first.click()
    page.wait_for_url(f"**/execution/occurrence/{assignment.pk}/")
    assert "Нет приказа о проведении педсовета" in page.locator("#return-comment").inner_text()
    add_evidence(page, "Приказ", "Приказ о проведении педсовета № 41", "приказ.pdf")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("#assignment-state")).to_have_text("На проверке")

    switch_to(page, "methodist")
    page.goto("/execution/review/")
    page.get_by_role("link", name=measure_link).click()
    page.get_by_role("button", name="Принять").click()
    page.wait_for_url("**/execution/review/")
    page.goto(f"/execution/occurrence/{assignment.pk}/")
    expect(page.locator("#assignment-state")).to_have_text("Принято")
    history = page.locator("#history").inner_text()
    assert history.count("Отправлено на проверку") == 2 and "Возвращено на доработку" in history

    page.get_by_role("link", name="Исполнение").click()
    page.wait_for_url("**/execution/dashboard/")
    page.get_by_role("link", name="План мероприятий по обеспечению объективности").click()
    page.wait_for_url(f"**/execution/dashboard/roadmap/{assignment.measure.section.roadmap_id}/")
    expect(page.locator("#total-accepted")).to_have_text("1")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
