"""Builders of the workbooks the importer reads, and a shortcut through the import service."""

import csv
import io

import pytest
from openpyxl import Workbook

from monitoring.models import ResultImport
from monitoring.services import result_import_apply, result_import_create, result_import_preview


def build_xlsx(rows: list[list], *, title_rows: int = 0, sheet: str = "Лист1") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for number in range(title_rows):
        worksheet.append([f"Результаты оценочной процедуры (заголовок {number + 1})"] if number == 0 else [])
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_csv(rows: list[list], *, encoding: str = "cp1251", delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def xlsx():
    return build_xlsx


@pytest.fixture
def csv_file():
    return build_csv


@pytest.fixture
def run_import(municipality):
    """run_import(data, filename, kind=..., year=..., apply=True, accept_partial=False, **choices)
    → (result_import, outcome), going through the same service the page and command use."""

    def run(
        data, filename="file.xlsx", *, kind="vpr", year=2024, apply=True, accept_partial=False, target=None, **choices
    ):
        result_import = result_import_create(
            municipality=target or municipality, data=data, filename=filename, kind=kind, year=year, **choices
        )
        if apply:
            outcome = result_import_apply(result_import=result_import, accept_partial=accept_partial)
        else:
            outcome = result_import_preview(result_import=result_import)
        result_import.refresh_from_db()
        return result_import, outcome

    return run


VPR_HEADER = [
    "Логин ОО",
    "Класс",
    "Предмет",
    "Код участника",
    "1",
    "2",
    "Первичный балл",
    "Отметка",
    "Отметка по журналу",
]


@pytest.fixture
def vpr_rows(school_a, school_b):
    """A small ВПР file: 3 pupils of school A, 2 of school B, mathematics grade 5."""
    return [
        VPR_HEADER,
        [school_a.code, "5А", "Математика", "000101", 1, 2, 10, 4, 5],
        [school_a.code, "5А", "Математика", "000102", 0, 1, 4, 2, 4],
        [school_a.code, "5Б", "Математика", "000103", 2, 2, 15, 5, 5],
        [school_b.code, "5", "Математика", "000201", 1, 1, 8, 3, 3],
        [school_b.code, "5", "Математика", "000202", 1, 0, 9, 3, 2],
    ]


@pytest.fixture
def imported_statuses():
    return ResultImport.Status
