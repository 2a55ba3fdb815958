"""A methodist uploads an РЦОИ ОГЭ protocol exactly as the centre sends it (`;`-CSV in
Windows-1251, block title, merged-cell gaps, names and documents, footers), sees the subject and
grade found in it, maps the one column the product does not know, imports, and sees the numbers
of each school on the import page and on the school's card."""

from monitoring.models import HeaderMapping, ResultImport, StudentResult
from schools.models import Organization
from tests.browser.conftest import login

LINES = [
    "02 - Математика 2026.06.02;;;;;;;;;;;;;;;;;;;;;;;;;;;;;",
    "№;;Код МСУ;;Код ОО;;Класс;;Код ППЭ;;Аудитория;;Фамилия;Имя;Отчество;;Серия;;Номер;;"
    "Задания с кратким ответом;;Задания с развёрнутым ответом;;Первичный балл;;Балл;;Особые отметки;",
    "1;;640;;sch640101;;9А;;1018;;9;;Иванов;Иван;Иванович;;4510;;123456;;++-+1;;2(2)1(3);;7;;4;;;",
    "2;;640;;sch640101;;9А;;1018;;9;;Петрова;Анна;Сергеевна;;4510;;654321;;+++++;;2(2)3(3);;10;;5;;;",
    "3;;640;;sch640105;;9Б;;1018;;10;;Сидоров;Пётр;Ильич;;4511;;111222;;+----;;0(2)0(3);;1;;2;;удалён;",
    "Средние;;;;;;;;;;;;;;;;;;;;;;;;;6;;3,7;;",
    "Всего участников;;;;;;;;;;;;;;;;;;;;;;;3;;;;;;",
]


def test_methodist_imports_an_rcoi_protocol_as_received(page, demo, tmp_path):
    protocol = tmp_path / "ОГЭ-математика-РЦОИ.csv"
    protocol.write_bytes(("\r\n".join(LINES) + "\r\n").encode("cp1251"))

    login(page, "methodist")
    page.get_by_role("link", name="Результаты").click()
    page.wait_for_url("**/results/")
    page.locator("#id_file").set_input_files(str(protocol))
    page.locator("#id_kind").select_option("oge")
    page.locator("#id_year").fill("2026")
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_url("**/results/imports/*/")

    found = page.get_by_test_id("import-found")
    found.wait_for()
    assert "протокол РЦОИ" in found.inner_text().lower() or "РЦОИ" in found.inner_text()
    assert "Математика" in found.inner_text()
    skipped = page.get_by_test_id("import-skipped")
    assert "2" in skipped.inner_text()  # the two footer rows, named, not rejected

    columns = page.get_by_test_id("import-columns")
    assert "«Особые отметки»" in columns.inner_text()
    columns.get_by_label("Поле для столбца «Особые отметки»").select_option(label="не использовать")
    columns.get_by_role("button", name="Сохранить сопоставление и проверить снова").click()
    page.get_by_test_id("count-take").wait_for()
    assert page.get_by_test_id("import-columns").count() == 0
    assert page.get_by_test_id("count-take").inner_text() == "3"
    assert HeaderMapping.objects.get().field == ""

    page.get_by_role("button", name="Импортировать").click()
    state = page.get_by_test_id("import-state")
    state.wait_for()
    assert "Импортирован" in state.inner_text()
    first = Organization.objects.get(code="sch640101")
    row = page.get_by_test_id("stats").locator("tr", has_text="sch640101").filter(has_text="Математика")
    # Участники, «2», «3», «4», «5» of the school as the protocol gives them.
    assert row.locator("td").all_inner_texts()[3:8] == ["2", "0", "0", "1", "1"]
    result_import = ResultImport.objects.get(original_name=protocol.name)
    imported = StudentResult.objects.filter(result_import=result_import)
    assert imported.count() == 3
    assert sorted(imported.values_list("mark", flat=True)) == [2, 4, 5]
    assessment = imported.first().assessment
    assert (assessment.kind, assessment.subject, assessment.grade) == ("oge", "Математика", 9)
    assert [task["label"] for task in assessment.tasks] == ["1", "2", "3", "4", "5", "6", "7"]

    page.goto(f"/monitoring/card/{first.pk}/")
    card = page.locator("main").inner_text()
    assert first.short_name in card and "получивших «2» на ОГЭ" in card
