"""A methodist uploads a ВПР workbook with one unknown school, sees the problem listed, adds the
school to the registry, checks the file again, imports it and sees the progress and the result."""

import io

from openpyxl import Workbook

from monitoring.models import ResultImport, StudentResult
from schools.models import Organization
from tests.browser.conftest import login

NEW_CODE = "sch640199"


def _workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_methodist_imports_vpr_after_adding_the_unknown_school(page, demo, tmp_path):
    results = tmp_path / "ВПР-математика-5.xlsx"
    results.write_bytes(
        _workbook(
            [
                ["Результаты ВПР по математике, 5 класс"],
                [],
                ["Логин ОО", "Класс", "Код участника", "1", "2", "Первичный балл", "Отметка", "Отметка по журналу"],
                # within the demo work's task maxima (1 point each for the first tasks, 12 in all)
                ["sch640101", "5А", "b-0001", 1, 1, 12, 4, 4],
                ["sch640101", "5А", "b-0002", 1, 0, 9, 3, 4],
                ["sch640105", "5", "b-0003", 1, 1, 11, 5, 5],
                [NEW_CODE, "5", "b-0004", 0, 1, 5, 2, 3],
            ]
        )
    )
    registry = tmp_path / "новая-школа.xlsx"
    registry.write_bytes(
        _workbook(
            [
                ["Код ОО", "Полное наименование", "Краткое наименование", "Тип", "Сельская"],
                [
                    NEW_CODE,
                    "Муниципальное общеобразовательное учреждение «ООШ с. Новая Жизнь»",
                    "МОУ «ООШ с. Новая Жизнь»",
                    "ОО",
                    "да",
                ],
            ]
        )
    )

    login(page, "methodist")
    page.get_by_role("link", name="Результаты").click()
    page.wait_for_url("**/results/")
    page.locator("#id_file").set_input_files(str(results))
    page.locator("#id_kind").select_option("vpr")
    page.locator("#id_year").fill("2026")
    page.locator("#id_subject").fill("Математика")
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_url("**/results/imports/*/")

    unknown = page.get_by_test_id("unknown-schools")
    unknown.wait_for()
    assert NEW_CODE in unknown.inner_text()
    problems = page.get_by_test_id("problems")
    assert "Неизвестный код ОО" in problems.inner_text() and "7" in problems.inner_text()  # row 7 as Excel shows
    assert page.get_by_test_id("count-rejected").inner_text() == "1"
    assert page.get_by_test_id("count-take").inner_text() == "3"
    detail_url = page.url

    # Add the school through the registry page: preview, then save.
    unknown.get_by_role("link", name="реестр").click()
    page.wait_for_url("**/registry/")
    page.locator("#id_file").set_input_files(str(registry))
    page.get_by_role("button", name="Проверить").click()
    assert "будет создана" in page.get_by_test_id("registry-preview").inner_text()
    page.get_by_role("button", name="Сохранить в реестр").click()
    page.get_by_text("Реестр обновлён: создано 1").wait_for()
    assert Organization.objects.filter(code=NEW_CODE).exists()

    # Check again, then import: the progress bar and the result are shown.
    page.goto(detail_url)
    page.get_by_role("button", name="Проверить снова").click()
    page.get_by_test_id("count-rejected").wait_for()
    assert page.get_by_test_id("count-rejected").inner_text() == "0"
    assert page.get_by_test_id("unknown-schools").count() == 0
    page.get_by_role("button", name="Импортировать").click()
    state = page.get_by_test_id("import-state")
    state.wait_for()
    assert "Импортирован" in state.inner_text()
    job = page.get_by_test_id("job")
    assert "Готово" in job.inner_text() and "100%" in job.inner_text()
    assert page.get_by_test_id("count-take").inner_text() == "4"
    assert "МОУ «ООШ с. Новая Жизнь»" in page.get_by_test_id("stats").inner_text()

    result_import = ResultImport.objects.get(original_name=results.name)
    assert result_import.status == ResultImport.Status.IMPORTED
    assert StudentResult.objects.filter(result_import=result_import).count() == 4
