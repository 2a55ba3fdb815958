"""An evidence file is kept and given back under a name whose extension is that of the kind its
content was recognised as: «x\\0.pdf.html» holding a PDF is «x.pdf», served as a PDF attachment, so
a desktop never opens a saved PDF polyglot as a web page."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.models import Evidence
from roadmaps.uploads import name_for_kind
from tests.roadmaps.execution_factories import kind, make_plan, tiny_pdf


@pytest.fixture
def assignment(authority, school_a, school_b):
    return make_plan(authority, school_a, school_b)[2][0]


def upload(client, assignment, name: str, data: bytes):
    return client.post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": "Протокол", "file": SimpleUploadedFile(name, data)},
    )


def download(client, evidence, **params):
    response = client.get(reverse("execution:evidence_download", args=[evidence.pk]), params)
    assert response.status_code == 200
    return response


def test_a_nul_and_a_second_extension_do_not_make_a_pdf_a_web_page(client_for, assignment, director_a):
    client = client_for(director_a)
    response = upload(client, assignment, "x\x00.pdf.html", tiny_pdf(["Protokol"]))
    assert response.status_code in (200, 302)
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("x.pdf", "application/pdf")
    served = download(client, evidence)
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"
    viewed = download(client, evidence, view="1")
    assert viewed["Content-Disposition"] == 'inline; filename="x.pdf"'


@pytest.mark.parametrize(
    ("name", "kind_", "kept"),
    [
        ("x.pdf.html", "pdf", "x.pdf"),
        ("x.html", "pdf", "x.pdf"),
        ("протокол", "pdf", "протокол.pdf"),
        ("Отчёт v1.2", "pdf", "Отчёт v1.2.pdf"),
        ("фото.JPEG", "jpg", "фото.JPEG"),
        ("фото.jpeg.exe", "jpg", "фото.jpeg"),
        ("справка.doc", "docx", "справка.docx"),
        ("x\u202e.lmth.pdf", "pdf", "x.lmth.pdf"),  # the right-to-left override that hid «.html»
        ("\tx.pdf\r", "pdf", "x.pdf"),
    ],
)
def test_the_kept_name_ends_with_the_kind_s_extension(name, kind_, kept):
    assert name_for_kind(name, kind_) == kept


def test_a_long_name_keeps_its_extension_within_the_column():
    kept = name_for_kind("а" * 300 + ".html", "png")
    assert len(kept) == 255 and kept.endswith("а.png")


def test_a_row_kept_before_the_names_agreed_is_mended_when_served(client_for, assignment, director_a):
    evidence = Evidence.objects.create(
        assignment=assignment, kind=kind(), title="Протокол", original_name="x.pdf.html",
        content_type="application/pdf", file=ContentFile(tiny_pdf(["P"]), name="old.pdf"),
    )  # fmt: skip
    served = download(client_for(director_a), evidence)
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'attachment; filename="x.pdf"'


def test_a_row_of_an_unknown_type_is_served_as_bytes_to_save(client_for, assignment, director_a):
    evidence = Evidence.objects.create(
        assignment=assignment, kind=kind(), title="Страница", original_name="x.html",
        content_type="text/html", file=ContentFile(b"<script>alert(1)</script>", name="old.html"),
    )  # fmt: skip
    served = download(client_for(director_a), evidence, view="1")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment;")
