"""One way to get a document (issue 19, part 5): a job renders it and keeps the file; a second
request serves the kept file while nothing the document prints has changed."""

from datetime import date

from django.core.management import call_command
from django.urls import reverse

from config.jobs.models import Job
from reports.models import ReportFile
from reports.services import document_digest, document_request
from reports.testing import build_roadmap
from roadmaps import services
from roadmaps.models import Measure, Roadmap

Kind = ReportFile.Kind


def test_roadmap_pdf_goes_through_the_job_and_the_second_request_serves_the_kept_file(
    client_for, methodist, roadmap, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    url = reverse("reports:roadmap_pdf", args=[roadmap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
    job = Job.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.kind == "report.roadmap_pdf"
    kept = ReportFile.objects.get()
    assert (kept.kind, kept.roadmap, kept.created_by) == (Kind.ROADMAP_PDF, roadmap, methodist)
    assert job.result_url == reverse("reports:file", args=[kept.pk])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = client.post(url)
    assert callbacks == [] and Job.objects.count() == 1 and ReportFile.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == reverse("reports:file", args=[kept.pk])
    download = client.get(second["Location"])
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_htmx_request_for_a_kept_file_gets_its_link(client_for, methodist, roadmap, django_capture_on_commit_callbacks):
    client = client_for(methodist)
    url = reverse("reports:roadmap_xlsx", args=[roadmap.pk])
    with django_capture_on_commit_callbacks(execute=True):
        bar = client.post(url, HTTP_HX_REQUEST="true")
    assert 'class="job-status"' in bar.content.decode()  # the job ran after the answer: its bar polls
    link = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    kept = ReportFile.objects.get(kind=Kind.ROADMAP_XLSX)
    assert reverse("reports:file", args=[kept.pk]) in link and "Дорожная карта (Excel)" in link


def test_a_changed_roadmap_is_rendered_again(client_for, methodist, authority, django_capture_on_commit_callbacks):
    draft = build_roadmap(authority, status=Roadmap.Status.DRAFT, sections=1, measures=1)
    client = client_for(methodist)
    url = reverse("reports:roadmap_pdf", args=[draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    measure = Measure.objects.get(section__roadmap=draft)
    services.measure_update(measure=measure, by=methodist, lock_version=measure.lock_version, description="Новое")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert Job.objects.count() == 2 and ReportFile.objects.filter(roadmap=draft).count() == 2


def test_a_second_request_while_the_job_runs_shows_the_same_job(client_for, methodist, roadmap):
    client = client_for(methodist)
    url = reverse("reports:roadmap_pdf", args=[roadmap.pk])
    first = client.post(url)  # the test's transaction never commits: the job stays queued
    second = client.post(url)
    job = Job.objects.get()
    assert first["Location"] == second["Location"] == reverse("jobs:detail", args=[job.pk])


def test_signing_the_order_makes_a_new_order_pdf(authority, methodist, official, django_capture_on_commit_callbacks):
    from roadmaps.services import order_save

    roadmap = build_roadmap(authority, status=Roadmap.Status.ON_APPROVAL, sections=1, measures=1)
    order = order_save(
        by=methodist, organization=authority, number="9", date=date(2022, 8, 27), title="Т", roadmaps=[roadmap]
    )
    with django_capture_on_commit_callbacks(execute=True):
        document_request(kind=Kind.ORDER_PDF, order=order, by=methodist)
    assert isinstance(document_request(kind=Kind.ORDER_PDF, order=order, by=methodist), ReportFile)
    services.order_sign(order=order, by=official)
    assert isinstance(document_request(kind=Kind.ORDER_PDF, order=order, by=methodist), Job)


def test_execution_reports_are_kept_per_author(client_for, methodist, official, roadmap):
    params = {"date_from": "2022-09-01", "date_to": "2023-08-31", "as_of": "2023-09-01"}
    digest = {
        who.username: document_digest(kind=Kind.EXECUTION_PDF, roadmap=roadmap, params=params, by=who)
        for who in (methodist, official)
    }
    assert digest["methodist"] != digest["official"]  # cut to what each sees


def test_the_command_renders_with_the_same_function_and_keeps_the_file(
    client_for, methodist, roadmap, tmp_path, django_capture_on_commit_callbacks
):
    out = tmp_path / "plan.pdf"
    call_command("render_roadmap", str(roadmap.pk), "--out", str(out))
    kept = ReportFile.objects.get()
    assert kept.params["digest"] == document_digest(kind=Kind.ROADMAP_PDF, roadmap=roadmap)
    assert out.read_bytes() == kept.file.open("rb").read()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(methodist).post(reverse("reports:roadmap_pdf", args=[roadmap.pk]))
    assert response["Location"] == reverse("reports:file", args=[kept.pk]) and not Job.objects.exists()


def test_old_download_urls_are_gone(client_for, methodist, roadmap):
    client = client_for(methodist)
    assert client.get(f"/reports/roadmap/{roadmap.pk}/pdf/job/").status_code == 404
    assert client.get(reverse("reports:roadmap_pdf", args=[roadmap.pk])).status_code == 405


def test_jobs_of_the_old_render_tasks_are_rewritten_to_the_one_task(
    methodist, roadmap, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    from config.jobs.services import job_retry

    migration = importlib.import_module("reports.migrations.0002_jobs_of_the_one_render_task")
    old = Job.objects.create(
        kind="report.execution",
        title="Отчёт",
        status=Job.Status.FAILED,
        task_name="reports.render_execution_report",
        task_kwargs={"roadmap_id": roadmap.pk, "user_id": methodist.pk, "date_from": "2022-09-01",
                     "date_to": "2023-08-31", "as_of": "2023-09-01", "format": "xlsx"},
    )  # fmt: skip
    migration.to_one_task(apps, None)
    old.refresh_from_db()
    assert old.task_name == "reports.render_document" and old.task_kwargs["kind"] == "execution_xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        retried = job_retry(job=old, user=methodist)  # «Повторить» of the old job renders the document
    retried.refresh_from_db()
    assert retried.status == Job.Status.SUCCEEDED
    assert ReportFile.objects.get(kind=Kind.EXECUTION_XLSX).params["as_of"] == "2023-09-01"
    migration.to_three_tasks(apps, None)
    old.refresh_from_db()
    assert old.task_name == "reports.render_execution_report" and old.task_kwargs["format"] == "xlsx"
