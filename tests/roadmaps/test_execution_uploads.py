"""Evidence files: recognised by content, limited in size, refused with a message and nothing left
behind in MEDIA_ROOT, served only through the access-checking view with the original name."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.execution import services as services
from roadmaps.models import Evidence
from roadmaps.uploads import validate_upload
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload, zip_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


@pytest.fixture
def assignment(authority, school_a, school_b):
    return make_plan(authority, school_a, school_b)[2][0]


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


def post_file(client, assignment, upload):
    return client.post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": "Протокол", "file": upload},
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("протокол.pdf", MZ, "по содержимому это не документ разрешённого вида"),
        ("протокол.pdf", ELF, "по содержимому это не документ разрешённого вида"),
        ("пустой.pdf", b"", "пустой (0 байт)"),
    ],
)
def test_refused_uploads_leave_nothing(client_for, assignment, director_a, name, data, message):
    before = stored_files()
    response = post_file(client_for(director_a), assignment, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_file_over_the_limit_is_refused(client_for, assignment, director_a, settings):
    assert settings.UPLOAD_MAX_MB == 25
    before = stored_files()
    big = b"%PDF-1.4\n" + b"0" * (26 * 1024 * 1024)
    response = post_file(client_for(director_a), assignment, SimpleUploadedFile("большой.pdf", big))
    assert response.status_code == 400
    assert "слишком большой: 26,0 МБ, а можно не больше 25 МБ" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_name_with_path_characters_is_refused(assignment, director_a):
    """The browser cannot send a path (Django strips it), so the service is called directly, as a
    script or another client would."""
    before = stored_files()
    for bad in ["../../etc/протокол.pdf", "..\\..\\протокол.pdf", "C:протокол?.pdf", ".htaccess"]:
        upload = pdf_upload()
        upload._name = bad  # bypass the basename() of UploadedFile
        with pytest.raises(ValidationError, match="содержит путь или недопустимые символы"):
            services.evidence_add(
                assignment=assignment, by=director_a, data=services.EvidenceData(kind=kind(), title="П"), upload=upload
            )
    assert not Evidence.objects.exists()
    assert stored_files() == before


def test_name_with_windows_path_characters_via_the_page(client_for, assignment, director_a):
    before = stored_files()
    response = post_file(client_for(director_a), assignment, pdf_upload('протокол "итог" <1>.pdf'))
    assert response.status_code == 400
    assert "содержит путь или недопустимые символы" in response.content.decode()
    assert stored_files() == before


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.bin", b"%PDF-1.7\n...", "pdf"),
        ("скан", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "png"),
        ("фото.png", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpg"),
        ("старый.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20, "doc"),
        ("таблица.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20, "xls"),
        ("x.zip", zip_bytes({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}), "docx"),
        ("x.zip", zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}), "xlsx"),
        ("x.zip", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b""}), "odt"),
        ("x", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods"),
        ("архив.docx", zip_bytes({"scan1.pdf": b"%PDF-1.4"}), "zip"),
    ],
)
def test_kind_is_recognised_by_content(name, data, expected):
    assert validate_upload(SimpleUploadedFile(name, data)).kind == expected


def test_text_renamed_to_docx_is_refused():
    with pytest.raises(ValidationError, match="не документ разрешённого вида"):
        validate_upload(SimpleUploadedFile("отчёт.docx", b"just some text"))


def test_broken_zip_is_refused():
    with pytest.raises(ValidationError, match="повреждён"):
        validate_upload(SimpleUploadedFile("a.zip", b"PK\x03\x04broken"))


def test_stored_under_media_with_safe_name_and_downloaded_with_original(client_for, assignment, director_a):
    client = client_for(director_a)
    assert post_file(client, assignment, pdf_upload("Протокол № 3 педсовета.pdf")).status_code == 302
    evidence = Evidence.objects.get()
    path = Path(evidence.file.path).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.suffix == ".pdf" and "Протокол" not in path.name
    assert evidence.original_name == "Протокол № 3 педсовета.pdf" and evidence.content_type == "application/pdf"
    response = client.get(reverse("execution:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%D0%9F%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB" in disposition
    assert response["Content-Type"] == "application/pdf"


def test_media_url_does_not_serve_files(client_for, assignment, director_a):
    client = client_for(director_a)
    post_file(client, assignment, pdf_upload())
    evidence = Evidence.objects.get()
    assert client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404
