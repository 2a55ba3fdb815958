"""The main path of a roadmap: the methodist builds it in the browser, the official approves it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import login

TRACK = "Объективность оценки качества подготовки обучающихся"
REGIONAL_CYCLE = "Принятие муниципальных мер в рамках реализации регионального управленческого цикла"


def test_methodist_builds_and_official_approves_a_roadmap(page, demo):
    login(page, "methodist")
    page.get_by_role("link", name="Дорожные карты").click()
    page.get_by_role("link", name="Создать дорожную карту").click()
    page.locator("#id_title").fill("План мероприятий по реализации адресных рекомендаций на 2022/2023")
    page.locator("#id_period_start").fill("2022-08-01")
    page.locator("#id_period_end").fill("2023-07-31")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("2022/2023 учебный год")).to_be_visible()

    form = page.locator("#section-add-form")
    form.get_by_label("Направление").select_option(label="1.1. Система оценки качества подготовки обучающихся")
    form.get_by_label("Треки (можно несколько)").select_option(label=f"1.1: {TRACK}")
    form.get_by_label("Тип функции").select_option(label=REGIONAL_CYCLE)
    form.get_by_role("button", name="Добавить раздел").click()
    section = page.locator("tbody.roadmap-section").first
    expect(section.locator("tr.section-row")).to_contain_text(f"Трек: {TRACK}")

    section.get_by_role("button", name="Создать шаги").click()
    rows = page.locator("tbody.roadmap-section").first.locator("tr.measure-row")
    expect(rows).to_have_count(5)

    second = rows.nth(1)
    second.get_by_role("button", name="Изменить").click()
    edit = page.locator("tr.measure-form-row")
    edit.get_by_label("Сроки (как в документе)").fill("Сентябрь, ноябрь, март-апрель")
    edit.get_by_role("button", name="Сохранить").click()
    expect(page.locator("tr.measure-form-row")).to_have_count(0)
    parse = page.locator("tr.measure-row").nth(1).locator(".deadline-parse")
    expect(parse).to_contain_text("3 срока")
    expect(parse).to_contain_text("сентябрь 2022")
    expect(parse).to_contain_text("ноябрь 2022")
    expect(parse).to_contain_text(re.compile("март.апрель 2023"))

    page.get_by_role("button", name="Отправить на утверждение").click()
    expect(page.locator(".roadmap-toolbar .roadmap-status")).to_have_text("На утверждении")
    roadmap_url = page.url
    # The page loads its versions and history by htmx: let them finish before the person changes.
    page.wait_for_load_state("networkidle")
    expect(page.locator("#roadmap-history table")).to_be_visible()

    page.context.clear_cookies()
    login(page, "official")
    page.goto(roadmap_url)
    page.get_by_label("Номер приказа").fill("125-од")
    page.get_by_label("Дата приказа").fill("2022-08-30")
    page.get_by_label("Подписал: ФИО").fill("Т.В. Разуваева")
    page.get_by_role("button", name="Утвердить приказом").click()
    expect(page.locator(".roadmap-toolbar .roadmap-status")).to_have_text("Утверждена")
    expect(page.locator("#readonly-note")).to_contain_text("только для чтения")
    expect(page.locator("#approval")).to_contain_text("приказом № 125-од от 30.08.2022, подписал: Т.В. Разуваева")
    expect(page.locator(".roadmap-stamp")).to_contain_text("30.08.2022")  # the print's stamp, dated by the order
    expect(page.get_by_role("button", name="PDF приказа")).to_be_visible()
    expect(page.get_by_role("button", name="Изменить")).to_have_count(0)
    expect(page.get_by_role("button", name="Создать шаги")).to_have_count(0)
    expect(page.locator("#section-add-form")).to_have_count(0)
    page.wait_for_load_state("networkidle")

    page.context.clear_cookies()
    login(page, "methodist")
    page.goto(roadmap_url)
    expect(page.locator("tr.measure-row")).to_have_count(5)
    expect(page.get_by_role("button", name="Изменить")).to_have_count(0)
    expect(page.get_by_role("button", name="Отправить на утверждение")).to_have_count(0)
    expect(page.get_by_role("button", name="Внести изменения (новая версия)")).to_be_visible()
    expect(page.locator("#roadmap-history table")).to_be_visible()
    page.wait_for_load_state("networkidle")
