"""The zoning report PDF: zone counts, heat map and lists of organisations by zone."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from monitoring.models import Zone, ZoningMethod
from roadmaps.models import Order


@pytest.fixture
def method(municipality, authority, school_a, school_b):
    order = Order.objects.create(
        organization=authority, number="77", date=date(2025, 9, 1), title="Об утверждении методики", status="signed"
    )
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


def test_zoning_report_lists_zones_and_organisations(client_for, methodist, method, school_a, school_b):
    response = client_for(methodist).get(reverse("reports:zoning_pdf", args=[method.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Отчёт о зонировании" in text and "Методика зонирования 2026" in text
    assert "Красная зона (1)" in text and "Зелёная зона (1)" in text
    assert school_a.short_name in text and school_b.short_name in text
    assert "утверждена приказом от 01.09.2025 № 77" in " ".join(text.split())


@pytest.mark.parametrize("who, status", [("director_a", 403), ("director_b", 403), ("viewer", 200), ("official", 200)])
def test_zoning_report_access(client_for, request, method, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("reports:zoning_pdf", args=[method.pk])).status_code == status


def test_zoning_report_of_another_municipality_is_404(client_for, methodist, other_municipality):
    other = ZoningMethod.objects.create(municipality=other_municipality, year=2026, title="Чужая")
    assert client_for(methodist).get(reverse("reports:zoning_pdf", args=[other.pk])).status_code == 404


def test_zoning_report_requires_login(client, method):
    assert client.get(reverse("reports:zoning_pdf", args=[method.pk])).status_code == 302
