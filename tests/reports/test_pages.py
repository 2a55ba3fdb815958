"""The page «Печать и выгрузка», the execution report download and the orders pages."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from config.jobs.models import Job
from reports.models import ReportFile
from reports.testing import build_roadmap, flat, pdf_pages
from roadmaps.models import Roadmap


def test_print_page_offers_the_downloads(client_for, methodist, roadmap):
    page = client_for(methodist).get(reverse("reports:roadmap", args=[roadmap.pk])).content.decode()
    assert "Печать и выгрузка" in page
    for name in ("reports:roadmap_pdf", "reports:roadmap_xlsx", "reports:roadmap_import"):
        assert reverse(name, args=[roadmap.pk]) in page
    assert reverse("reports:roadmap_execution", args=[roadmap.pk]) in page


def test_director_gets_no_import_form(client_for, director_a, roadmap):
    page = client_for(director_a).get(reverse("reports:roadmap", args=[roadmap.pk])).content.decode()
    assert reverse("reports:roadmap_pdf", args=[roadmap.pk]) in page
    assert reverse("reports:roadmap_import", args=[roadmap.pk]) not in page


def test_nav_has_reports(client_for, director_a):
    page = client_for(director_a).get(reverse("reports:index")).content.decode()
    assert "Отчёты" in page


def _kept(client, response) -> bytes:
    """Follow a document request to the kept file (through its finished job) and read it."""
    location = response["Location"]
    if location.startswith("/jobs/"):
        location = Job.objects.get(pk=int(location.strip("/").split("/")[-1])).result_url
    return b"".join(client.get(location).streaming_content)


def test_execution_report_downloads(client_for, methodist, roadmap, django_capture_on_commit_callbacks):
    client = client_for(methodist)
    url = reverse("reports:roadmap_execution", args=[roadmap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        pdf = client.post(url, {"date_from": "2022-09-01", "date_to": "2023-08-31", "format": "pdf"})
        xlsx = client.post(url, {"date_from": "2022-09-01", "date_to": "2023-08-31", "format": "xlsx"})
    assert "Сводка по организациям" in flat(" ".join(pdf_pages(_kept(client, pdf))))
    assert "Сводка" in load_workbook(io.BytesIO(_kept(client, xlsx))).sheetnames
    kinds = set(ReportFile.objects.filter(roadmap=roadmap).values_list("kind", flat=True))
    assert kinds == {ReportFile.Kind.EXECUTION_PDF, ReportFile.Kind.EXECUTION_XLSX}


def test_execution_report_rejects_a_reversed_period(client_for, methodist, roadmap):
    url = reverse("reports:roadmap_execution", args=[roadmap.pk])
    response = client_for(methodist).post(url, {"date_from": "2023-09-01", "date_to": "2022-08-31", "format": "pdf"})
    assert response.status_code == 400 and not Job.objects.exists()
    assert "Начало периода позже его окончания" in response.content.decode()


def test_import_new_roadmap_page(client_for, methodist, authority, roadmap):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from roadmaps.xlsx import roadmap_xlsx_bytes

    client = client_for(methodist)
    assert client.get(reverse("reports:roadmap_import_new")).status_code == 200
    upload = SimpleUploadedFile("plan.xlsx", roadmap_xlsx_bytes(roadmap))
    preview = client.post(reverse("reports:roadmap_import_new"), {"owner": authority.pk, "file": upload})
    assert preview.status_code == 200
    response = client.post(reverse("reports:roadmap_import_confirm"), {"token": preview.context["token"]})
    assert response.status_code == 302
    assert Roadmap.objects.filter(status=Roadmap.Status.DRAFT, owner=authority).count() == 1


def test_import_new_roadmap_rejects_non_xlsx_name(client_for, methodist, authority):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.csv", b"a;b")
    response = client_for(methodist).post(
        reverse("reports:roadmap_import_new"), {"owner": authority.pk, "file": upload}
    )
    assert response.status_code == 400 and "не .xlsx" in response.content.decode()


def test_director_cannot_open_import_new(client_for, director_a):
    assert client_for(director_a).get(reverse("reports:roadmap_import_new")).status_code == 403


def test_big_roadmap_job_for_an_order(client_for, methodist, authority, django_capture_on_commit_callbacks):
    from roadmaps.services import order_save

    roadmap = build_roadmap(authority)
    order = order_save(
        by=methodist, organization=authority, date=roadmap.approval_order.date, title="Т", roadmaps=[roadmap]
    )
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:order_pdf", args=[order.pk]))
    job_page = client.get(response["Location"]).content.decode()
    assert "Готово" in job_page
    detail = client.get(reverse("reports:order", args=[order.pk])).content.decode()
    assert "Приказ с приложениями (PDF)" in detail


def test_htmx_background_render_returns_the_progress_bar(
    client_for, methodist, roadmap, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    url = reverse("reports:roadmap_pdf", args=[roadmap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="job-status"' in response.content.decode()
