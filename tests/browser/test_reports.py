import re

from playwright.sync_api import expect

from tests.browser.conftest import login

# a document's button answers with its kept file's link, or with the job's bar that offers it when done
READY = re.compile("Скачать: |Открыть результат")


def test_methodist_prepares_an_order_and_downloads_its_pdf(page, demo):
    login(page, "methodist")
    page.get_by_role("link", name="Отчёты", exact=True).click()
    page.wait_for_url("**/reports/")
    page.get_by_role("link", name="Приказы").click()
    page.wait_for_url("**/reports/orders/")
    assert page.get_by_text("158-демо").is_visible()  # the demo order
    page.get_by_role("link", name="Новый приказ").click()
    page.get_by_label("Номер").fill("12")
    page.get_by_label("Ответственные (дательный падеж подставится сам)").fill(
        "заместитель начальника; Римская-Корсакова Н.А.; провести мониторинг"
    )
    page.get_by_label("Контроль: должность").fill("И.о. начальника управления образования")
    page.get_by_label("Контроль: ФИО").fill("Мухин В.Г.")
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url(re.compile(r"/reports/orders/\d+/$"))
    assert page.get_by_text("Заместителю начальника Римской-Корсаковой Н.А. провести мониторинг.").is_visible()
    assert page.get_by_text("оставить за и.о. начальника управления образования Мухиным В.Г.").is_visible()
    page.get_by_role("button", name="PDF с приложениями").click()  # a job renders and keeps the file
    with page.expect_download() as download:
        page.get_by_role("link", name=READY).click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_official_renders_a_roadmap_in_the_background_and_downloads_excel(page, demo):
    from reports.testing import build_roadmap
    from schools.models import Organization

    roadmap = build_roadmap(Organization.objects.get(code="uo6401"))
    login(page, "official")
    page.goto(f"/reports/roadmap/{roadmap.pk}/")
    assert page.get_by_role("heading", name="Печать и выгрузка").is_visible()
    page.get_by_role("button", name="PDF", exact=True).click()
    page.get_by_role("link", name=READY).wait_for()
    page.get_by_role("button", name="Excel", exact=True).click()
    expect(page.locator("#render-job")).not_to_contain_text("PDF")  # the PDF's answer is replaced
    with page.expect_download() as download:
        page.locator("#render-job").get_by_role("link", name=READY).click()
    assert download.value.suggested_filename == f"roadmap-{roadmap.pk}.xlsx"
