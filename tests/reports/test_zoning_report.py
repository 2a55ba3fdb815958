"""The zoning report PDF: zone counts, heat map and lists of organisations by zone."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from monitoring.models import Zone, ZoningMethod
from reports.models import ReportFile
from reports.testing import signed_order


@pytest.fixture
def method(municipality, authority, school_a, school_b):
    order = signed_order(organization=authority, number="77", date=date(2025, 9, 1))
    method = ZoningMethod.objects.create(
        municipality=municipality,
        year=2026,
        title="Методика зонирования 2026",
        status=ZoningMethod.Status.APPROVED,
        approval_order=order,
    )
    Zone.objects.create(method=method, organization=school_a, colour="red", computed_at=timezone.now())
    Zone.objects.create(method=method, organization=school_b, colour="green", computed_at=timezone.now())
    return method


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def zoning_pdf(django_capture_on_commit_callbacks):
    """Asked for like every document: a job renders and keeps it, then the kept file is served."""

    def ask(client, method):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:zoning_pdf", args=[method.pk]))
        if response["Location"].startswith("/jobs/"):  # rendered by the job just now: its file
            response = client.post(reverse("reports:zoning_pdf", args=[method.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/reports/files/")
        download = client.get(response["Location"])
        assert download["Content-Type"] == "application/pdf"
        download.kept_url = response["Location"]
        return download

    return ask


def test_zoning_report_lists_zones_and_organisations(client_for, methodist, method, school_a, school_b, zoning_pdf):
    text = pdf_text(zoning_pdf(client_for(methodist), method))
    assert "Отчёт о зонировании" in text and "Методика зонирования 2026" in text
    assert "Красная зона (1)" in text and "Зелёная зона (1)" in text
    assert school_a.short_name in text and school_b.short_name in text
    assert "утверждена приказом от 01.09.2025 № 77" in " ".join(text.split())


def test_the_report_is_kept_and_served_again_until_what_it_prints_changes(
    client_for, methodist, official, method, zoning_pdf
):
    first = zoning_pdf(client_for(methodist), method).kept_url
    assert zoning_pdf(client_for(official), method).kept_url == first  # the same kept file
    assert ReportFile.objects.filter(kind=ReportFile.Kind.ZONING_PDF, zoning_method=method).count() == 1
    Zone.objects.filter(method=method, colour="green").update(colour="yellow", computed_at=timezone.now())
    assert zoning_pdf(client_for(methodist), method).kept_url != first
    assert ReportFile.objects.filter(kind=ReportFile.Kind.ZONING_PDF, zoning_method=method).count() == 2


@pytest.mark.parametrize("who, status", [("director_a", 403), ("director_b", 403)])
def test_zoning_report_access(client_for, request, method, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).post(reverse("reports:zoning_pdf", args=[method.pk])).status_code == status


@pytest.mark.parametrize("who", ["viewer", "official"])
def test_the_kept_report_is_read_by_staff_and_viewers_only(client_for, request, method, director_a, who, zoning_pdf):
    zoning_pdf(client_for(request.getfixturevalue(who)), method)
    kept = ReportFile.objects.get(kind=ReportFile.Kind.ZONING_PDF)
    assert client_for(director_a).get(reverse("reports:file", args=[kept.pk])).status_code == 404


def test_zoning_report_of_another_municipality_is_404(client_for, methodist, other_municipality):
    other = ZoningMethod.objects.create(municipality=other_municipality, year=2026, title="Чужая")
    assert client_for(methodist).post(reverse("reports:zoning_pdf", args=[other.pk])).status_code == 404


def test_zoning_report_requires_login(client, method):
    assert client.post(reverse("reports:zoning_pdf", args=[method.pk])).status_code == 302
