"""ШНРО/ШНСУ identification in the browser: the methodist writes a method's criteria, the official
approves it by an order, the methodist runs it (a job with progress) and opens the list with the
criteria met and their numbers, the official approves the list, and the school's flag follows."""

import re

from playwright.sync_api import expect

from monitoring.analysis.services import indicators_load
from monitoring.indicators import indicators_compute
from monitoring.models import Assessment, IdentificationList, StudentResult
from schools.models import Organization
from tests.browser.conftest import login


def _oge(organization, year, marks):
    assessment, _ = Assessment.objects.get_or_create(kind="oge", year=year, subject="Математика", grade=9)
    StudentResult.objects.bulk_create(
        StudentResult(assessment=assessment, organization=organization, mark=mark) for mark in marks
    )


def test_methodist_runs_identification_and_the_list_is_approved(page, demo_people):
    weak = Organization.objects.get(code="sch640101")
    fine = Organization.objects.get(code="sch640102")
    _oge(weak, 2025, [2, 2, 3, 3, 4, 4])  # «2»: 2/6 = 33,3 %
    _oge(weak, 2026, [2, 2, 2, 3, 4, 5])  # 3/6 = 50 %
    _oge(fine, 2025, [3, 4, 4, 5, 5, 5])
    _oge(fine, 2026, [2, 4, 4, 5, 5, 5])  # 1/6 = 16,7 %
    indicators_load()
    for year in (2025, 2026):
        indicators_compute(year=year)

    login(page, "methodist")
    page.goto("/monitoring/identification/")
    expect(page.get_by_role("heading", name=re.compile("ШНРО и ШНСУ: идентификация"))).to_be_visible()
    page.get_by_label("Наименование").fill("Методика идентификации ШНРО и ШНСУ 2025/2026")
    page.get_by_label("Учебный год (год окончания)").fill("2026")
    page.get_by_role("button", name="Создать методику").click()
    expect(page.locator("#combination-rule")).to_contain_text("Критериев по результатам нет")

    form = page.locator("#criterion-form")
    form.get_by_label("Вид критерия").select_option("indicator")
    form.get_by_label("Показатель (для критерия по результатам)").select_option(
        label="Доля выпускников основной школы, получивших «2» на ОГЭ"
    )
    form.get_by_label("Предмет (пусто — в целом по школе)").select_option("Математика")
    form.get_by_label("Параллель").fill("9")
    form.get_by_label("Порог", exact=True).fill("20")
    form.get_by_label("Рассматривается последних лет (K)").fill("2")
    form.get_by_label("Из них лет с выполнением не менее (N)").fill("3")
    page.get_by_role("button", name="Добавить критерий").click()
    expect(
        page.get_by_text("Лет с выполнением (N): от 1 до числа рассматриваемых лет (2), указано «3»")
    ).to_be_visible()
    page.locator("#criterion-form").get_by_label("Из них лет с выполнением не менее (N)").fill("2")
    page.get_by_role("button", name="Добавить критерий").click()
    expect(page.locator("#results-criteria")).to_contain_text("не менее 2 из 2 последних")
    expect(page.locator("#combination-rule")).to_contain_text("ШНРО — школа, выполнившая не менее 1 из 1 критериев")
    method_url = page.url

    page.context.clear_cookies()
    login(page, "official")
    page.goto(method_url)
    approve = page.locator("#method-approve")
    approve.get_by_label("Номер приказа об утверждении").fill("41-о")
    approve.get_by_label("Дата приказа").fill("2026-08-28")
    page.get_by_role("button", name="Утвердить методику").click()
    expect(page.get_by_text("Методика утверждена")).to_be_visible()
    expect(page.get_by_role("link", name="приказ № 41-о от 28.08.2026")).to_be_visible()

    page.context.clear_cookies()
    login(page, "methodist")
    page.goto(method_url)
    page.get_by_role("button", name="Рассчитать список").click()
    expect(page.locator("#run-job .progress-bar")).to_have_text("100%")
    page.get_by_role("link", name="Открыть результат").click()
    row = page.locator(f"#identification-entries tr[data-code='{weak.code}']")
    expect(row.locator(".entry-status")).to_contain_text("ШНРО")
    expect(row).to_contain_text("2025/2026: 50,0 (3 / 6)")
    expect(row).to_contain_text("2024/2025: 33,3 (2 / 6)")
    expect(page.locator(f"#identification-entries tr[data-code='{fine.code}']")).to_have_count(0)
    expect(page.get_by_role("button", name="Утвердить список")).to_have_count(0)  # the official's
    list_url = page.url

    page.context.clear_cookies()
    login(page, "official")
    page.goto(list_url)
    approve = page.locator("#list-approve")
    approve.get_by_label("Номер приказа об утверждении").fill("57-о")
    approve.get_by_label("Дата приказа").fill("2026-08-30")
    page.get_by_role("button", name="Утвердить список").click()
    expect(page.get_by_text("Список утверждён")).to_be_visible()
    expect(page.locator("#list-status")).to_contain_text("приказ № 57-о от 30.08.2026")
    weak.refresh_from_db()
    assert weak.low_results and IdentificationList.objects.get().is_approved

    page.get_by_role("link", name=weak.short_name).first.click()
    expect(page.locator("#identification-card-history")).to_contain_text("ШНРО")
