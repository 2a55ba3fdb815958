"""School context data (контекстные данные): the workbook import with its preview, the reasons of
refused rows (row and column named), all-or-nothing writes, the template, and who may do what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from config.lib.xlsx import workbook_bytes
from schools.context.services import COLUMNS, ContextImportError, context_import, context_template
from schools.models import SchoolContext
from tests.conftest import make_organization

YEAR = 2026


def book(rows, columns=COLUMNS) -> bytes:
    return workbook_bytes(columns, rows)


def run(data, municipality, by, *, dry_run=False, filename="context.xlsx"):
    return context_import(data=data, filename=filename, municipality=municipality, year=YEAR, by=by, dry_run=dry_run)


GOOD = [
    ["sch000101", "СОШ № 1", 812, 12, "нет", 32, 54, 2],
    ["sch000102", "СОШ с. Дюрметь", 118, 9, "", 11, 17, 1],
]


def test_preview_writes_nothing_and_import_writes_every_row(school_a, school_b, methodist):
    outcome = run(book(GOOD), school_a.municipality, methodist, dry_run=True)
    assert not outcome.has_errors
    assert [row["action"] for row in outcome.rows] == ["new", "new"]
    assert not SchoolContext.objects.exists()

    outcome = run(book(GOOD), school_a.municipality, methodist)
    assert outcome.written
    first = SchoolContext.objects.get(organization=school_a, year=YEAR)
    assert (first.pupils, first.ovz_pupils, first.is_rural, first.classes, first.teachers, first.vacancies) == (
        812, 12, False, 32, 54, 2,
    )  # fmt: skip
    assert round(first.ovz_share, 2) == round(100 * 12 / 812, 2)
    # «Сельская» left empty: as the registry says (school B is rural there)
    assert SchoolContext.objects.get(organization=school_b).is_rural is True


def test_reimport_reports_unchanged_and_changed_rows(school_a, school_b, methodist):
    run(book(GOOD), school_a.municipality, methodist)
    changed = [GOOD[0], ["sch000102", "СОШ с. Дюрметь", 120, 9, "да", 11, 17, 1]]
    outcome = run(book(changed), school_a.municipality, methodist, dry_run=True)
    assert [row["action"] for row in outcome.rows] == ["skip", "update"]
    run(book(changed), school_a.municipality, methodist)
    assert SchoolContext.objects.get(organization=school_b).pupils == 120
    assert SchoolContext.objects.count() == 2


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(school_a, school_b, methodist):
    rows = [
        GOOD[0],  # row 2: fine, but must not be written while the others are wrong
        ["sch404", "Нет такой", 100, 0, "нет", 5, 9, 0],  # row 3
        ["sch000102", "СОШ с. Дюрметь", "12,5", 0, "нет", 5, 9, 0],  # row 4
        ["sch000101", "СОШ № 1 дважды", 100, 0, "нет", 5, 9, 0],  # row 5
    ]
    outcome = run(book(rows), school_a.municipality, methodist)
    assert not outcome.written
    assert not SchoolContext.objects.exists()
    messages = outcome.messages
    assert "Строка 3, столбец «Код ОО»: школы с кодом «sch404» нет в реестре муниципалитета" in messages
    assert any(
        m.startswith("Строка 4, столбец «Численность обучающихся»: Значение «12,5» — не целое число") for m in messages
    )
    assert "Строка 5, столбец «Код ОО»: код «sch000101» уже был в строке 2" in messages
    assert len(messages) == 3


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            ["sch000101", "", 100, 101, "нет", 5, 9, 0],
            "Обучающихся с ОВЗ",
            "обучающихся с ОВЗ больше, чем всех обучающихся (100)",
        ),
        (["sch000101", "", "", 0, "нет", 5, 9, 0], "Численность обучающихся", "значение не указано"),
        (["sch000101", "", 100, 0, "может быть", 5, 9, 0], "Сельская", "ожидается «да» или «нет»"),
        (
            ["sch000101", "", 100, 0, "нет", 0, 9, 0],
            "Число классов",
            "Значение «0» вне диапазона: ожидается целое число от 1 до 1000",
        ),
        (["sch000101", "", 100, -3, "нет", 5, 9, 0], "Обучающихся с ОВЗ", "Значение «-3» вне диапазона"),
        (["sch000101", "", 1e30, 0, "нет", 5, 9, 0], "Численность обучающихся", "вне диапазона"),
        (["", "без кода", 100, 0, "нет", 5, 9, 0], "Код ОО", "не указан код ОО"),
    ],
)
def test_each_kind_of_bad_cell(school_a, methodist, row, column, reason):
    outcome = run(book([row]), school_a.municipality, methodist, dry_run=True)
    assert outcome.has_errors
    assert any(m.startswith(f"Строка 2, столбец «{column}»") and reason in m for m in outcome.messages), (
        outcome.messages
    )


def test_a_missing_required_column_refuses_the_file(school_a, methodist):
    columns = ["Код ОО", "Численность обучающихся", "Педагогических работников"]
    with pytest.raises(ContextImportError, match="нет обязательных столбцов: «Число классов»"):
        run(book([["sch000101", 100, 9]], columns), school_a.municipality, methodist)


def test_a_column_of_names_refuses_the_file(school_a, methodist):
    columns = [*COLUMNS, "ФИО ученика"]
    with pytest.raises(ContextImportError, match="имена детей"):
        run(book([[*GOOD[0], "Иванов Иван"]], columns), school_a.municipality, methodist)
    assert not SchoolContext.objects.exists()


def test_title_rows_above_the_header_and_csv_files(school_a, methodist):
    data = book([COLUMNS, GOOD[0]], columns=["Контекстные данные школ на 01.09.2025"])
    assert not run(data, school_a.municipality, methodist).has_errors
    text = ";".join(COLUMNS) + "\r\n" + ";".join(str(v) for v in GOOD[0]) + "\r\n"
    outcome = run(text.encode("cp1251"), school_a.municipality, methodist, filename="context.csv", dry_run=True)
    assert [row["action"] for row in outcome.rows] == ["skip"]


def test_a_school_of_another_municipality_is_not_taken(school_a, other_school, methodist):
    outcome = run(book([["sch999901", "", 100, 0, "нет", 5, 9, 0]]), school_a.municipality, methodist)
    assert outcome.messages == ["Строка 2, столбец «Код ОО»: школы с кодом «sch999901» нет в реестре муниципалитета"]


def test_directors_and_other_municipalities_cannot_import(school_a, other_municipality, director_a, methodist):
    with pytest.raises(PermissionDenied):
        run(book(GOOD[:1]), school_a.municipality, director_a)
    with pytest.raises(PermissionDenied):
        run(book(GOOD[:1]), other_municipality, methodist)


def test_template_lists_the_schools_with_the_years_values(school_a, school_b, methodist):
    make_organization(school_a.municipality, "ds1", "Детский сад", kind="preschool")
    run(book(GOOD[:1]), school_a.municipality, methodist)
    sheet = load_workbook(
        __import__("io").BytesIO(context_template(municipality=school_a.municipality, year=YEAR))
    ).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == COLUMNS
    assert rows[1][:8] == ["sch000101", "СОШ № 1", 812, 12, "нет", 32, 54, 2]
    assert rows[2][0] == "sch000102" and rows[2][4] == "да"
    assert len(rows) == 3  # schools only


# --- the page -------------------------------------------------------------------------------


def upload(client, municipality, data):
    return client.post(
        reverse("context:page"),
        {"municipality": municipality.pk, "year": YEAR, "file": SimpleUploadedFile("context.xlsx", data)},
    )


def test_methodist_previews_then_confirms(client_for, school_a, school_b, methodist):
    client = client_for(methodist)
    response = upload(client, school_a.municipality, book(GOOD))
    assert response.status_code == 200
    assert "Будет добавлено: <strong>2</strong>" in response.content.decode()
    assert not SchoolContext.objects.exists()
    token = client.session["context_upload"]["token"]
    response = client.post(reverse("context:confirm"), {"token": token})
    assert response.status_code == 302
    assert SchoolContext.objects.count() == 2


def test_page_shows_errors_and_offers_no_confirmation(client_for, school_a, methodist):
    response = upload(client_for(methodist), school_a.municipality, book([["sch404", "", 1, 0, "нет", 1, 1, 0]]))
    page = response.content.decode()
    assert "ничего не будет записано" in page and "sch404" in page
    assert reverse("context:confirm") not in page


def test_director_sees_only_their_own_school(client_for, school_a, school_b, methodist, director_a):
    run(book(GOOD), school_a.municipality, methodist)
    page = client_for(director_a).get(reverse("context:page"), {"year": YEAR}).content.decode()
    assert "sch000101" in page and "sch000102" not in page
    assert "Загрузить контекстные данные" not in page
    assert client_for(director_a).get(reverse("context:template")).status_code == 403
    response = upload(client_for(director_a), school_a.municipality, book(GOOD))
    assert response.status_code == 403


def test_viewer_reads_every_school_but_does_not_import(client_for, school_a, school_b, methodist, viewer):
    run(book(GOOD), school_a.municipality, methodist)
    page = client_for(viewer).get(reverse("context:page"), {"municipality": school_a.municipality.pk, "year": YEAR})
    assert "sch000102" in page.content.decode()
    assert "Загрузить контекстные данные" not in page.content.decode()
    assert (
        client_for(viewer).get(reverse("context:template"), {"municipality": school_a.municipality.pk}).status_code
        == 403
    )


def test_methodist_of_another_municipality_sees_none_of_it(client_for, school_a, other_municipality, methodist):
    from tests.conftest import make_user

    run(book(GOOD[:1]), school_a.municipality, methodist)
    authority = make_organization(other_municipality, "uo2", "УО Ершов", kind="authority")
    outsider = make_user("outsider", authority, "methodist")
    response = client_for(outsider).get(reverse("context:page"), {"municipality": school_a.municipality.pk})
    assert response.status_code == 404
