"""«Численность обучающихся» of 10^30, 1e308, inf or nan in the registry of organisations is a row
error naming the value and the column's range, on the page, in the command and in the admin; the
registry stays as it was. SQLite would store 2^40 where PostgreSQL refuses it: the range is the
column type's, whatever the database."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from schools.models import Organization
from schools.registry import registry_import
from tests.hostile_numbers import HOSTILE, HOSTILE_IDS, csv_with, xlsx_with

HEADER = ["Код ОО", "Полное наименование", "Краткое наименование", "Тип", "Численность обучающихся"]
RANGE = "ожидается целое число от 0 до 2 147 483 647"


def rows(enrolment) -> list[list]:
    return [HEADER, ["000777", "МОУ «СОШ с. Новое»", "СОШ с. Новое", "ОО", enrolment]]


def registry(municipality) -> list[tuple]:
    return list(Organization.objects.filter(municipality=municipality).values_list("code", "enrolment"))


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(("build", "filename"), [(xlsx_with, "r.xlsx"), (csv_with, "r.csv")], ids=["xlsx", "csv"])
def test_enrolment_the_column_cannot_hold_is_a_row_error(municipality, school_a, value, shown, build, filename):
    before = registry(municipality)
    for dry_run in (True, False):
        outcome = registry_import(
            data=build(rows(value)), filename=filename, municipality=municipality, dry_run=dry_run
        )
        [error] = outcome.errors
        assert (error["row"], error["column"], error["value"]) == (2, "Численность обучающихся", shown)
        assert error["reason"].startswith(f"Численность обучающихся «{shown}» ")
        assert error["reason"].endswith(RANGE)
    assert registry(municipality) == before


@pytest.mark.parametrize(
    ("value", "stored"),
    [("1 200", 1200), ("2147483647", 2147483647), (2**31, None), (2**40, None), ("²", None), ("-1", None)],
)
def test_enrolment_edges(municipality, value, stored):
    outcome = registry_import(data=csv_with(rows(value)), filename="r.csv", municipality=municipality, dry_run=False)
    if stored is None:
        assert [error["reason"].endswith(RANGE) for error in outcome.errors] == [True]
        assert registry(municipality) == []
    else:
        assert outcome.errors == []
        assert registry(municipality) == [("000777", stored)]


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
def test_the_page_previews_the_error_and_the_confirm_writes_nothing(client_for, methodist, municipality, value, shown):
    client = client_for(methodist)
    page = client.post(
        reverse("registry:organizations"), {"file": SimpleUploadedFile("r.xlsx", xlsx_with(rows(value)))}
    ).content.decode()
    assert f"Численность обучающихся «{shown}»" in page and "2 147 483 647" in page
    client.post(reverse("registry:confirm"), {"token": client.session["registry_upload"]["token"]})
    assert not Organization.objects.filter(code="000777").exists()


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(("build", "filename"), [(xlsx_with, "r.xlsx"), (csv_with, "r.csv")], ids=["xlsx", "csv"])
def test_the_command_names_the_value_and_writes_nothing(tmp_path, municipality, value, shown, build, filename):
    path = tmp_path / filename
    path.write_bytes(build(rows(value)))
    out = io.StringIO()
    with pytest.raises(CommandError, match="ничего не записано"):
        call_command("import_organizations", str(path), "--municipality", municipality.name, stdout=out)
    assert f"строка 2, столбец «Численность обучающихся», значение «{shown}»: " in out.getvalue()
    assert RANGE in out.getvalue()
    assert registry(municipality) == []


def test_the_admin_import_refuses_it_too(client_for, admin_user, municipality):
    data = xlsx_with([[*HEADER, "Муниципалитет"], ["000777", "Школа", "Школа", "ОО", 10**30, municipality.name]])
    response = client_for(admin_user).post(
        reverse("admin:schools_organization_import"),
        {"import_file": SimpleUploadedFile("r.xlsx", data), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert RANGE in response.content.decode()
    assert not Organization.objects.filter(code="000777").exists()
