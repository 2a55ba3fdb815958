"""The analytic report (справка) from end to end: the methodist generates it from a ВПР's results and
writes the conclusions; the official approves and publishes it; an anonymous visitor finds it on the
open page and downloads the PDF."""

import re

from playwright.sync_api import expect

from reports.testing import results_for_spravka
from schools.models import Organization
from tests.browser.conftest import login


def test_methodist_writes_official_approves_and_publishes_anyone_downloads(page, demo_people):
    municipality = Organization.objects.get(code="uo6401").municipality
    assessment, _previous, _schools = results_for_spravka(municipality, schools=5, per_school=12)

    login(page, "methodist")
    page.get_by_role("link", name="Отчёты", exact=True).click()
    page.get_by_role("link", name="Аналитические справки").click()
    page.get_by_role("link", name="Сформировать справку").click()
    page.get_by_role("combobox", name="Процедура (ВПР, ОГЭ, ЕГЭ, КДР)").select_option(label=str(assessment))
    page.get_by_role("button", name="Сформировать").click()
    page.wait_for_url(re.compile(r"/reports/spravki/\d+/$"))
    url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Аналитическая справка по результатам ВПР")
    expect(page.get_by_text("сформировано автоматически").first).to_be_visible()
    expect(page.locator("caption", has_text="Поэлементный анализ")).to_be_visible()
    page.get_by_label("Выводы и рекомендации").fill("Провести методический семинар по заданиям 9.1 и 12К1.")
    page.get_by_role("button", name="Сохранить выводы").click()
    expect(page.get_by_text("Выводы и рекомендации сохранены")).to_be_visible()
    expect(page.locator(".spravka-conclusions")).to_contain_text("Провести методический семинар")
    expect(page.get_by_role("button", name="Утвердить")).to_have_count(0)  # the methodist does not approve

    page.context.clear_cookies()
    login(page, "official")
    page.goto(url)
    page.on("dialog", lambda dialog: dialog.accept())  # «Утвердить справку?»
    page.get_by_role("button", name="Утвердить").click()
    expect(page.get_by_text("Справка утверждена")).to_be_visible()
    expect(page.get_by_role("textbox", name="Выводы и рекомендации")).to_have_count(0)  # frozen
    page.get_by_role("button", name="PDF", exact=True).click()  # rendered by a job and kept
    page.get_by_role("link", name=re.compile("Скачать: |Открыть результат")).wait_for()
    page.goto(url)
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text("Справка опубликована на открытой странице муниципалитета")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/public/")
    page.get_by_role("link", name=municipality.name).click()
    link = page.get_by_role("link", name=re.compile("Аналитическая справка по результатам ВПР"))
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
