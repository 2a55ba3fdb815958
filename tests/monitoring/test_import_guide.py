"""Import with guidance: a template per results format with a sheet that explains its columns, the
accepted layouts on the page, and a file uploaded before named with its earlier upload."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.models import ResultImport
from monitoring.readers.guide import FORMATS, template_xlsx


@pytest.fixture
def template_schools(school_a, school_b):
    """The template's example rows name schools sch710201 and sch710202."""
    for school, code in ((school_a, "sch710201"), (school_b, "sch710202")):
        school.code = code
        school.save()


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_each_template_reads_back_through_the_importer_without_a_problem(run_import, template_schools, format):
    result_import, outcome = run_import(
        template_xlsx(format), f"shablon-{format}.xlsx", kind="vpr", year=2024, format=format, apply=False
    )
    assert result_import.status == ResultImport.Status.PREVIEWED
    assert (outcome.rejected, outcome.problems) == (0, [])
    assert result_import.summary["to_take"] == 2


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_the_template_explains_every_column_it_has(format):
    book = load_workbook(io.BytesIO(template_xlsx(format)))
    assert book.sheetnames == ["Данные", "Описание столбцов"]
    headers = [cell.value for cell in book["Данные"][1]]
    explained = [row[0] for row in book["Описание столбцов"].iter_rows(min_row=6, values_only=True) if row[0]]
    fixed = [h for h in headers if not str(h).isdigit()]
    assert fixed and all(header in explained for header in fixed)
    assert not {"ФИО", "Фамилия", "Дата рождения"} & set(headers)  # the template never asks for names


def test_the_results_page_lists_the_accepted_layouts_and_links_the_templates(client_for, methodist):
    page = client_for(methodist).get(reverse("results:results")).content.decode()
    assert "ФИС ОКО, «Ф1 Индивидуальные результаты» ВПР" in page and "РЦОИ, протокол результатов ОГЭ/ЕГЭ" in page
    for format in FORMATS:
        assert reverse("results:import_template", args=[format]) in page
    assert "Отметка по журналу" in page and "не сохраняются" in page


@pytest.mark.parametrize("who, status", [("methodist", 200), ("admin_user", 200), ("director_a", 403), ("viewer", 403)])
def test_the_template_is_for_those_who_import(request, client_for, who, status):
    response = client_for(request.getfixturevalue(who)).get(reverse("results:import_template", args=["students"]))
    assert response.status_code == status
    if status == 200:
        assert response.content == template_xlsx("students")


def test_an_unknown_format_has_no_template(client_for, methodist):
    assert client_for(methodist).get(reverse("results:import_template", args=["xyz"])).status_code == 404


def test_a_file_imported_before_is_named_with_its_earlier_upload_before_anything_is_written(
    client_for, methodist, run_import, template_schools
):
    data = template_xlsx("students")
    earlier, _ = run_import(data, "vpr-2024.xlsx", kind="vpr", year=2024, format="students")
    again, _ = run_import(data, "vpr-2025.xlsx", kind="vpr", year=2025, format="students", apply=False)
    assert again.status == ResultImport.Status.PREVIEWED
    page = client_for(methodist).get(reverse("results:import_detail", args=[again.pk])).content.decode()
    assert "Этот же файл уже загружался" in page
    assert reverse("results:import_detail", args=[earlier.pk]) in page and "импортирован, 2 строки" in page
    # the earlier import's own page does not warn about the later preview's … but does name it
    first_page = client_for(methodist).get(reverse("results:import_detail", args=[earlier.pk])).content.decode()
    assert "Этот же файл уже загружался" not in first_page  # an imported file is not warned about


def test_a_new_file_gets_no_warning(client_for, methodist, run_import, template_schools):
    fresh, _ = run_import(template_xlsx("school_stats"), "b.xlsx", format="school_stats", apply=False)
    page = client_for(methodist).get(reverse("results:import_detail", args=[fresh.pk])).content.decode()
    assert "Этот же файл уже загружался" not in page


def test_the_template_is_the_same_bytes_whenever_it_is_made():
    """Its zip entries carry a fixed date, not the second it was written: a template downloaded
    twice is the same file (a re-check of it meets the same checksum)."""
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(template_xlsx("students")))
    assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    assert b"2026-01-01T00:00:00Z" in archive.read("docProps/core.xml")
