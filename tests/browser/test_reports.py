import re

from tests.browser.conftest import login


def test_methodist_prepares_an_order_and_downloads_its_pdf(page, demo):
    login(page, "methodist")
    page.get_by_role("link", name="Отчёты").click()
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
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать PDF с приложениями").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_official_renders_a_roadmap_in_the_background_and_downloads_excel(page, demo):
    from reports.testing import build_roadmap
    from schools.models import Organization

    roadmap = build_roadmap(Organization.objects.get(code="uo6401"))
    login(page, "official")
    page.goto(f"/reports/roadmap/{roadmap.pk}/")
    assert page.get_by_role("heading", name="Печать и выгрузка").is_visible()
    page.get_by_role("button", name="Сформировать PDF в фоне").click()
    page.get_by_role("link", name="Открыть результат").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать Excel").click()
    assert download.value.suggested_filename == f"roadmap-{roadmap.pk}.xlsx"
