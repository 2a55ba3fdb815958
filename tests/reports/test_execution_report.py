"""The execution report: each measure's occurrences per organisation with evidence, overdue
highlighted, and the summary."""

import io
from datetime import date

from django.core.files.base import ContentFile
from openpyxl import load_workbook

from reports.excel import execution_xlsx_bytes
from reports.pdf import execution_html, render_execution_pdf
from reports.selectors import execution_report
from reports.testing import flat, pdf_pages
from roadmaps.models import Assignment, Evidence, EvidenceKind, Measure

AS_OF = date(2023, 3, 1)


def make_assignments(roadmap, school_a, school_b):
    first, second = Measure.objects.filter(section__roadmap=roadmap).order_by("section__order", "order")[:2]
    kind = EvidenceKind.objects.order_by("order").first()
    done = Assignment.objects.create(
        measure=first, organization=school_a, due_date=date(2022, 10, 1), status=Assignment.Status.ACCEPTED
    )
    Evidence.objects.create(
        assignment=done,
        kind=kind,
        title="Приказ о проведении",
        number="15-о",
        date=date(2022, 9, 20),
        link="https://school.example/prikaz15",
    )
    late = Assignment.objects.create(measure=first, organization=school_b, due_date=date(2022, 11, 1))
    Evidence.objects.create(
        assignment=late,
        kind=kind,
        title="Черновик",
        file=ContentFile(b"x", name="draft.pdf"),
    )
    Assignment.objects.create(measure=second, organization=school_a, due_date=date(2023, 5, 1))
    Assignment.objects.create(measure=second, organization=school_b, due_date=date(2024, 5, 1))  # outside the period
    return done, late


def test_report_lists_status_evidence_and_overdue(roadmap, school_a, school_b, admin_user):
    make_assignments(roadmap, school_a, school_b)
    report = execution_report(
        roadmap, date_from=date(2022, 9, 1), date_to=date(2023, 8, 31), as_of=AS_OF, user=admin_user
    )
    first = report.measures[0]
    lines = {line.organization: line for line in first.lines}
    assert {org: (line.state_label, line.overdue) for org, line in lines.items()} == {
        "СОШ № 1": ("Принято", False),
        "СОШ с. Дюрметь": ("Просрочено", True),
    }
    evidence = lines["СОШ № 1"].evidence[0]
    assert evidence["number"] == "15-о" and evidence["date"] == "20.09.2022"
    assert len(report.measures[1].lines) == 1  # the 2024 occurrence is outside the period
    totals = {key: value for key, value in report.totals.items() if key != "cells"}
    assert totals == {
        "total": 3,
        "returned": 0,
        "overdue": 1,
        "due_soon": 0,
        "planned": 1,  # due 1 May 2023, two months after the report's date
        "submitted": 0,
        "accepted": 1,
        "percent": 33,
    }
    assert report.totals["cells"] == [3, 0, 1, 0, 1, 0, 1]
    by_org = {row["organization"]: row for row in report.summary}
    assert by_org["СОШ с. Дюрметь"]["overdue"] == 1 and by_org["СОШ № 1"]["accepted"] == 1


def test_pdf_and_xlsx_show_the_report(roadmap, school_a, school_b, admin_user):
    make_assignments(roadmap, school_a, school_b)
    report = execution_report(
        roadmap, date_from=date(2022, 9, 1), date_to=date(2023, 8, 31), as_of=AS_OF, user=admin_user
    )
    assert 'class="keep overdue"' in execution_html(report)
    text = flat(" ".join(pdf_pages(render_execution_pdf(report))))
    assert "Сводка по организациям" in text and "Итого" in text
    assert "15-о" in text and "school.example/prikaz15" in text and "Просрочено" in text
    book = load_workbook(io.BytesIO(execution_xlsx_bytes(report)))
    sheet = book["Исполнение"]
    overdue_rows = [row for row in sheet.iter_rows(min_row=5) if row[7].value == "да"]
    assert len(overdue_rows) == 1 and overdue_rows[0][3].value == "СОШ с. Дюрметь"
    assert overdue_rows[0][0].fill.fgColor.rgb.endswith("F8D7DA")
    assert book["Сводка"].cell(row=4, column=1).value == "Итого"


def test_director_sees_only_own_school_in_the_report(roadmap, school_a, school_b, director_a):
    make_assignments(roadmap, school_a, school_b)
    report = execution_report(
        roadmap, date_from=date(2022, 9, 1), date_to=date(2023, 8, 31), as_of=AS_OF, user=director_a
    )
    organisations = {line.organization for m in report.measures for line in m.lines}
    assert organisations == {"СОШ № 1"}


def test_background_report_is_kept_for_its_author_and_staff_only(
    client_for,
    roadmap,
    school_a,
    school_b,
    methodist,
    official,
    director_a,
    director_b,
    django_capture_on_commit_callbacks,
):
    from django.urls import reverse

    from config.jobs.models import Job
    from reports.models import ReportFile

    make_assignments(roadmap, school_a, school_b)
    url = reverse("reports:roadmap_execution", args=[roadmap.pk])
    params = {"date_from": "2022-09-01", "date_to": "2023-08-31", "format": "xlsx"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(methodist).post(url, params)
    assert response.status_code == 302 and Job.objects.get().status == Job.Status.SUCCEEDED
    kept = ReportFile.objects.get(kind=ReportFile.Kind.EXECUTION_XLSX)
    book = load_workbook(io.BytesIO(kept.file.read()))
    assert {row[3].value for row in book["Исполнение"].iter_rows(min_row=5)} >= {"СОШ № 1", "СОШ с. Дюрметь"}
    download = reverse("reports:file", args=[kept.pk])
    assert client_for(official).get(download).status_code == 200
    # the methodist's report lists every school: a director may not open it
    assert client_for(director_a).get(download).status_code == 404
    assert client_for(director_b).get(download).status_code == 404
