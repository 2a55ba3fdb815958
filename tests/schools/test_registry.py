"""Registry of organisations (format C): the resource, the methodist's page with its preview,
the admin import and `import_organizations` (re-running updates by code, never duplicates)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from schools.models import Municipality, Organization
from schools.registry import registry_import

HEADER = [
    "Код ОО",
    "Полное наименование",
    "Краткое наименование",
    "Тип",
    "Адрес",
    "Сельская",
    "Руководитель",
    "E-mail",
    "Численность обучающихся",
]


def workbook(rows, title=True) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append(["Реестр образовательных организаций"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


NEW_SCHOOL = [
    "000777",
    "Муниципальное общеобразовательное учреждение «СОШ с. Новое»",
    "СОШ с. Новое",
    "ОО",
    "с. Новое",
    "да",
    "Петров П. П.",
    "new@school.example",
    120,
]


def test_preview_shows_creations_and_changes_and_writes_nothing(municipality, school_a):
    data = workbook([[school_a.code, "СОШ № 1 полное", "СОШ № 1 им. Героя", "ОО", "", "нет", "", "", 400], NEW_SCHOOL])
    outcome = registry_import(data=data, filename="r.xlsx", municipality=municipality, dry_run=True)
    assert (outcome.new, outcome.updated, outcome.errors) == (1, 1, [])
    update, new = outcome.rows
    assert (update["row"], update["action"], new["row"], new["action"]) == (3, "update", 4, "new")
    assert "Краткое наименование: «СОШ № 1» → «СОШ № 1 им. Героя»" in update["changes"]
    assert Organization.objects.filter(municipality=municipality).count() == 1
    school_a.refresh_from_db()
    assert school_a.short_name == "СОШ № 1"


def test_import_creates_updates_and_never_duplicates(municipality, school_a):
    data = workbook([[school_a.code, "СОШ № 1 полное", "СОШ № 1", "ОО", "", "нет", "", "", 400], NEW_SCHOOL])
    registry_import(data=data, filename="r.xlsx", municipality=municipality, dry_run=False)
    again = registry_import(data=data, filename="r.xlsx", municipality=municipality, dry_run=False)
    assert (again.new, again.updated, again.skipped) == (0, 0, 2)
    assert Organization.objects.filter(municipality=municipality).count() == 2
    new = Organization.objects.get(code="000777")  # leading zeros kept
    assert (new.kind, new.is_rural, new.enrolment, new.email) == ("school", True, 120, "new@school.example")
    school_a.refresh_from_db()
    assert (school_a.full_name, school_a.enrolment) == ("СОШ № 1 полное", 400)


def test_row_errors_are_listed_and_nothing_is_written(municipality):
    data = workbook(
        [
            NEW_SCHOOL,
            ["sch1", "Школа", "Школа", "лицей?", "", "может быть", "", "не почта", "много"],
            ["000777", "Дубль", "Дубль", "ОО", "", "", "", "", ""],
        ]
    )
    outcome = registry_import(data=data, filename="r.xlsx", municipality=municipality, dry_run=False)
    by_column = {(error["row"], error["column"]): error for error in outcome.errors}
    assert "Неизвестный тип «лицей?»" in by_column[(4, "Тип")]["reason"]
    assert by_column[(4, "Сельская")]["value"] == "может быть"
    assert (4, "E-mail") in by_column and (4, "Численность обучающихся") in by_column
    assert any(error["row"] == 5 and "дважды" in error["reason"] for error in outcome.errors)
    assert Organization.objects.count() == 0


def test_missing_required_column(municipality):
    book = Workbook()
    book.active.append(["Код ОО", "Краткое наименование"])
    book.active.append(["sch1", "Школа"])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = registry_import(data=buffer.getvalue(), filename="r.xlsx", municipality=municipality, dry_run=True)
    assert any("Полное наименование" in error["reason"] for error in outcome.errors)


def test_csv_windows_1251(municipality):
    text = ";".join(HEADER) + "\r\n" + ";".join(map(str, NEW_SCHOOL)) + "\r\n"
    outcome = registry_import(data=text.encode("cp1251"), filename="r.csv", municipality=municipality, dry_run=False)
    assert outcome.new == 1 and Organization.objects.get().code == "000777"


def test_command_creates_the_municipality_and_reruns_without_duplicates(tmp_path, db):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook([NEW_SCHOOL]))
    out = io.StringIO()
    call_command("import_organizations", str(path), "--municipality", "Краснокутский район", stdout=out)
    call_command("import_organizations", str(path), "--municipality", "Краснокутский район", stdout=out)
    assert Municipality.objects.filter(name="Краснокутский район").count() == 1
    assert Organization.objects.filter(code="000777").count() == 1
    assert "создано 1" in out.getvalue() and "без изменений 1" in out.getvalue()


def test_command_dry_run_writes_nothing(tmp_path, db):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook([NEW_SCHOOL]))
    call_command("import_organizations", str(path), "--municipality", "Новый район", "--dry-run", stdout=io.StringIO())
    assert not Municipality.objects.exists() and not Organization.objects.exists()


def test_command_reports_errors(tmp_path, municipality):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook([["x", "a", "b", "ЧТО", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="ошибки"):
        call_command("import_organizations", str(path), "--municipality", municipality.name, stdout=io.StringIO())


def test_export_round_trips(client_for, methodist, school_a, school_b, other_school):
    response = client_for(methodist).get(reverse("registry:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("Код ОО", "Полное наименование", "Краткое наименование", "Тип")
    assert {row[0] for row in rows[1:]} == {"uo1", school_a.code, school_b.code}  # own municipality only
    outcome = registry_import(
        data=response.content, filename="r.xlsx", municipality=school_a.municipality, dry_run=True
    )
    assert (outcome.new, outcome.updated, outcome.errors) == (0, 0, [])


def test_page_preview_then_confirm(client_for, methodist, municipality):
    client = client_for(methodist)
    response = client.post(
        reverse("registry:organizations"), {"file": SimpleUploadedFile("r.xlsx", workbook([NEW_SCHOOL]))}
    )
    page = response.content.decode()
    assert "Будет создано: <strong>1</strong>" in page and "будет создана" in page
    assert not Organization.objects.filter(code="000777").exists()
    token = client.session["registry_upload"]["token"]
    response = client.post(reverse("registry:confirm"), {"token": token})
    assert response.status_code == 302
    assert Organization.objects.get(code="000777").municipality == municipality


@pytest.mark.parametrize("who", ["director_a", "director_b", "viewer"])
def test_registry_page_is_for_staff_only(request, client_for, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("registry:organizations")).status_code == 403
    assert client.get(reverse("registry:export")).status_code == 403
    assert client.post(reverse("registry:confirm"), {"token": "x"}).status_code == 403


def test_registry_page_for_anonymous_redirects(client_for, db):
    assert client_for(None).get(reverse("registry:organizations")).status_code == 302


@pytest.mark.parametrize("who", ["official", "admin_user"])
def test_official_and_admin_open_the_registry_page(request, client_for, who, municipality):
    assert client_for(request.getfixturevalue(who)).get(reverse("registry:organizations")).status_code == 200


def test_admin_import_page_shows_the_registry_resource(client_for, admin_user):
    response = client_for(admin_user).get(reverse("admin:schools_organization_import"))
    assert response.status_code == 200
    assert "Код ОО" in response.content.decode()


def test_admin_imports_a_regional_file_with_preview(client_for, admin_user, municipality, other_municipality):
    import re

    book = Workbook()
    book.active.append(["Код ОО", "Полное наименование", "Краткое наименование", "Тип", "Муниципалитет"])
    book.active.append(["sch1", "Школа 1", "Школа 1", "ОО", municipality.name])
    book.active.append(["sch1", "Школа 1 Ершов", "Школа 1 Ершов", "ОО", other_municipality.name])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(admin_user)
    preview = client.post(
        reverse("admin:schools_organization_import"),
        {"import_file": SimpleUploadedFile("r.xlsx", buffer.getvalue()), "format": "0", "resource": "0"},
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and "Школа 1 Ершов" in html
    assert not Organization.objects.filter(code="sch1").exists()  # the preview writes nothing
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    hidden.pop("csrfmiddlewaretoken", None)
    client.post(reverse("admin:schools_organization_process_import"), hidden)
    assert sorted(Organization.objects.filter(code="sch1").values_list("municipality__name", "code")) == sorted(
        [(municipality.name, "sch1"), (other_municipality.name, "sch1")]
    )


def test_a_registry_file_over_the_row_limit_is_refused_before_the_check(client_for, methodist):
    from schools.resources import REGISTRY_MAX_ROWS

    rows = "Код ОО;Полное наименование;Краткое наименование;Тип\r\n" + "".join(
        f"s{n};Школа {n};Ш{n};ОО\r\n" for n in range(REGISTRY_MAX_ROWS + 1)
    )
    response = client_for(methodist).post(
        reverse("registry:organizations"), {"file": SimpleUploadedFile("реестр.csv", rows.encode("utf-8"))}
    )
    assert response.status_code == 200
    assert "больше 2 000 организаций" in response.content.decode()
    assert not Organization.objects.filter(code="s0").exists()
