"""Kept files in an S3-compatible object store (issue 16, parts 1 and 2), against a real S3 API
server in its own process (tests/object_storage.py): evidence, results imports and rendered
documents land in the bucket, come back only through the views that check who asks (streamed,
never a link to the bucket), go when deleted, and a document rendered by a worker in another
process is served by the web. Nothing is written under MEDIA_ROOT meanwhile."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from config.jobs import services as job_services
from config.jobs.models import Job
from config.lib.backup import files_backup, files_restore
from config.lib.env import EnvError, env_storage
from monitoring.models import ResultImport
from monitoring.services import result_import_apply, result_import_create
from reports.models import ReportFile
from reports.services import report_file_save
from reports.testing import build_roadmap
from roadmaps.catalogue import catalogue_load
from roadmaps.models import Evidence
from schools.models import Membership, Organization
from tests.conftest import make_user
from tests.monitoring.conftest import build_xlsx
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload
from tests.schools.test_registry import NEW_SCHOOL, workbook

ROOT = Path(__file__).resolve().parents[2]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def refused_without_a_link(response, bucket) -> None:
    """Someone who may not see the file gets 403/404, and nothing in the answer leads to the bucket."""
    assert response.status_code in (403, 404)
    assert "Location" not in response
    text = response.content.decode(errors="replace")
    assert bucket.name not in text and bucket.server.host_port not in text and "Signature" not in text


# --------------------------------------------------------------------------- settings


def test_storage_url_names_a_private_s3_store():
    storage = env_storage(
        url_expire_seconds=120,
        environ={"STORAGE_URL": "s3://key:s%2Fecret@minio:9000/muko-files?region=ru-central1&secure=false"},
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["access_key"], options["secret_key"]) == ("muko-files", "key", "s/ecret")
    assert (options["endpoint_url"], options["region_name"]) == ("http://minio:9000", "ru-central1")
    assert options["default_acl"] is None and options["querystring_auth"] and options["querystring_expire"] == 120


def test_aws_variables_name_the_same_store():
    storage = env_storage(
        environ={
            "AWS_STORAGE_BUCKET_NAME": "muko",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
            "AWS_S3_REGION_NAME": "ru-central1",
        }
    )
    assert storage["OPTIONS"]["endpoint_url"] == "https://storage.yandexcloud.net"
    assert storage["OPTIONS"]["bucket_name"] == "muko"


def test_local_disk_without_any_variable():
    assert env_storage(environ={}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"STORAGE_URL": "http://minio:9000/muko"}, "ожидается адрес вида s3://"),
        ({"STORAGE_URL": "s3://minio:9000/muko"}, "нужны ключ, секрет, сервер и корзина"),
        ({"STORAGE_URL": "s3://k:s@minio:9000/"}, "нужны ключ, секрет, сервер и корзина"),
        ({"STORAGE_URL": "s3://k:s@minio:9000/muko?secure=maybe"}, "secure='maybe'"),
        ({"STORAGE_URL": "s3://k:s@minio:9000/muko?bucket=x"}, "неизвестные параметры bucket"),
        ({"STORAGE_URL": "s3://k:s@minio/muko", "AWS_STORAGE_BUCKET_NAME": "muko"}, "одним способом"),
        ({"AWS_STORAGE_BUCKET_NAME": "muko"}, "не заданы AWS_ACCESS_KEY_ID"),
    ],
)
def test_a_malformed_store_stops_start_up_with_a_russian_message(environ, message):
    with pytest.raises(EnvError, match=message.replace("?", r"\?")):
        env_storage(environ=environ)


# --------------------------------------------------------------------------- evidence


@pytest.fixture
def assignment(authority, school_a, school_b):
    return make_plan(authority, school_a, school_b)[2][0]


def test_evidence_lands_in_the_bucket_and_only_those_who_see_it_download_it(
    s3, client_for, assignment, director_a, director_b, methodist
):
    upload = pdf_upload("протокол педсовета.pdf")
    response = client_for(director_a).post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": "Протокол", "file": upload},
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    evidence = Evidence.objects.get()
    assert s3.keys() == {evidence.file.name} and evidence.file.name.startswith("evidence/")
    upload.seek(0)
    assert s3.read(evidence.file.name) == upload.read()

    url = reverse("execution:evidence_download", args=[evidence.pk])
    for person in (director_a, methodist):
        download = client_for(person).get(url)
        assert download.status_code == 200
        assert body(download) == s3.read(evidence.file.name)  # streamed by the view, not a redirect
        assert quote("протокол педсовета.pdf") in download["Content-Disposition"]
        assert download["Content-Type"] == "application/pdf"
    refused_without_a_link(client_for(director_b).get(url), s3)
    assert s3.media_files() == []


def test_deleted_evidence_leaves_the_bucket(
    s3, client_for, assignment, director_a, director_b, django_capture_on_commit_callbacks
):
    client_for(director_a).post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind().pk, "title": "Протокол", "file": pdf_upload()},
    )
    evidence = Evidence.objects.get()
    delete_url = reverse("execution:evidence_delete", args=[evidence.pk])
    refused_without_a_link(client_for(director_b).post(delete_url), s3)
    assert s3.keys() == {evidence.file.name}

    with django_capture_on_commit_callbacks(execute=True):
        client_for(director_a).post(delete_url)
    assert not Evidence.objects.exists()
    assert s3.keys() == set()


# --------------------------------------------------------------------------- results imports


def test_a_results_import_keeps_its_file_and_rejected_rows_in_the_bucket(
    s3, client_for, municipality, school_a, methodist, director_a
):
    rows = [
        ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"],
        [school_a.code, "5а", "Математика", "1", 4],
        [school_a.code, "5а", "Математика", "2", 9],
    ]
    result_import = result_import_create(
        municipality=municipality, data=build_xlsx(rows), filename="впр.xlsx", kind="vpr", year=2024, user=methodist
    )
    result_import_apply(result_import=result_import, accept_partial=True)
    result_import.refresh_from_db()
    assert result_import.status == ResultImport.Status.IMPORTED, result_import.summary
    assert result_import.rejected_file
    assert s3.keys() == {result_import.file.name, result_import.rejected_file.name}

    kept = client_for(methodist).get(reverse("results:import_file", args=[result_import.pk]))
    assert kept.status_code == 200 and body(kept) == s3.read(result_import.file.name)
    rejected = client_for(methodist).get(reverse("results:import_rejected", args=[result_import.pk]))
    assert rejected.status_code == 200 and body(rejected).startswith(b"PK")
    assert quote("впр-отклонённые.xlsx") in rejected["Content-Disposition"]
    for name in ("results:import_file", "results:import_rejected"):
        refused_without_a_link(client_for(director_a).get(reverse(name, args=[result_import.pk])), s3)
    assert s3.media_files() == []


def test_the_admin_links_kept_files_to_the_pages_that_check_access(s3, client_for, municipality, authority, admin_user):
    result_import = result_import_create(
        municipality=municipality, data=build_xlsx([["Код ОО"], ["sch1"]]), filename="впр.xlsx", kind="vpr", year=2024
    )
    roadmap = build_roadmap(authority, sections=1, measures=1)
    report = report_file_save(
        kind=ReportFile.Kind.ROADMAP_XLSX, filename="карта.xlsx", content=b"PK kept", roadmap=roadmap
    )
    client = client_for(admin_user)
    pages = {
        reverse("results:import_file", args=[result_import.pk]): reverse(
            "admin:monitoring_resultimport_change", args=[result_import.pk]
        ),
        reverse("reports:file", args=[report.pk]): reverse("admin:reports_reportfile_change", args=[report.pk]),
    }
    for download, page in pages.items():
        html = client.get(page).content.decode()
        assert f'href="{download}"' in html
        assert s3.name not in html and s3.server.host_port not in html and "Signature" not in html


# --------------------------------------------------------------------------- registry


def test_a_registry_upload_waits_for_its_confirmation_in_the_bucket(s3, client_for, methodist, municipality):
    """The confirming request may reach another web host: the checked file waits in the storage."""
    client = client_for(methodist)
    client.post(reverse("registry:organizations"), {"file": SimpleUploadedFile("r.xlsx", workbook([NEW_SCHOOL]))})
    waiting = client.session["registry_upload"]
    assert s3.keys() == {waiting["stored"]} and waiting["stored"].startswith("registry-uploads/")

    response = client.post(reverse("registry:confirm"), {"token": waiting["token"]})
    assert response.status_code == 302
    assert Organization.objects.get(code="000777").municipality == municipality
    assert s3.keys() == set() and s3.media_files() == []


# --------------------------------------------------------------------------- backup


def test_backup_and_restore_of_the_bucket(s3):
    first = default_storage.save("evidence/2026/12/a.pdf", ContentFile(b"%PDF-1.4 one"))
    second = default_storage.save("reports/2026/12/b.xlsx", ContentFile(b"PK two"))
    archive = s3.media_root.parent / "media.tar.gz"
    files_backup(archive)

    default_storage.delete(first)
    default_storage.save(second, ContentFile(b"PK changed since"))  # saved under a new name
    default_storage.save("evidence/2026/12/late.pdf", ContentFile(b"%PDF-1.4 after the copy"))
    files_restore(archive)
    assert s3.keys() == {first, second}
    assert (s3.read(first), s3.read(second)) == (b"%PDF-1.4 one", b"PK two")
    assert s3.media_files() == []


# --------------------------------------------------------------------------- a worker on another host


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The test database as another process reaches it: on PostgreSQL the test database itself (the
    data is committed, transactional_db); on SQLite the in-memory database copied into a file that
    this process then uses as well, and put back afterwards. Yields the DATABASE_URL."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(settings_dict.get("USER") or "")
        if settings_dict.get("PASSWORD"):
            auth += ":" + quote(settings_dict["PASSWORD"])
        host = settings_dict.get("HOST") or "127.0.0.1"
        catalogue_load()  # an earlier transactional test flushed what the session loaded
        yield f"postgres://{auth}@{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"
        return
    import sqlite3

    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    in_memory = connection.connection
    with sqlite3.connect(path) as copy:
        in_memory.backup(copy)
    copy.close()
    in_memory_name = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        catalogue_load()
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"] = in_memory_name
        connection.connection = in_memory


WORKER = """
from celery import current_app
from config.jobs.models import Job

job = Job.objects.get(pk={job_id})
# What a Celery worker does with the job's message (config.jobs.services._send builds it alike).
current_app.tasks[job.task_name].apply(kwargs={{"job_id": job.pk, **job.task_kwargs}}, throw=True)
"""


def test_a_pdf_rendered_by_a_worker_process_is_served_by_the_web(
    s3, shared_database, client_for, authority, methodist, other_school, tmp_path, monkeypatch
):
    roadmap = build_roadmap(authority, sections=1, measures=2)
    # The web hands the job to the queue; here the queue is the worker process started below.
    sent = []
    monkeypatch.setattr(job_services, "_send", lambda job: sent.append(job.pk) or True)
    client = client_for(methodist)
    asked = client.post(reverse("reports:roadmap_pdf", args=[roadmap.pk]))
    job = Job.objects.get()
    assert asked.status_code == 302 and sent == [job.pk] and job.status == Job.Status.QUEUED
    assert s3.keys() == set()

    worker_media = tmp_path / "worker-media"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",
        DATABASE_URL=shared_database,
        STORAGE_URL=s3.storage_url,
        MEDIA_ROOT=str(worker_media),
        FILE_UPLOAD_TEMP_DIR=str(tmp_path / "worker-uploads"),
        CELERY_EAGER="true",
    )
    worker = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", WORKER.format(job_id=job.pk)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr[-3000:]

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    report = ReportFile.objects.get(pk=job.result["report_file_id"])
    assert s3.keys() == {report.file.name} and report.file.name.startswith("reports/")
    download = client.get(job.result_url)
    assert download.status_code == 200
    pdf = body(download)
    assert pdf.startswith(b"%PDF") and pdf == s3.read(report.file.name)
    assert download["Content-Type"] == "application/pdf"

    stranger = make_user("director_elsewhere", other_school, Membership.Role.DIRECTOR)
    refused_without_a_link(client_for(stranger).get(job.result_url), s3)
    assert s3.media_files() == [] and not (worker_media.exists() and any(worker_media.rglob("*")))
