"""A render that breaks leaves nothing behind: no report row, no file; the job shows the failure
with «Повторить», and the retry renders the document."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError
from django.urls import reverse

from config.jobs.models import Job
from reports import pdf, services
from reports.models import ReportFile


def _files() -> list[Path]:
    return sorted(p for p in (Path(settings.MEDIA_ROOT) / "reports").rglob("*") if p.is_file())


def _start(client, roadmap, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:roadmap_pdf", args=[roadmap.pk]))
    return Job.objects.get(kind="report.roadmap_pdf")


def test_render_dying_midway_leaves_nothing_and_offers_a_retry(
    roadmap, methodist, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    before = _files()
    real = pdf.render_roadmap_pdf

    def dies_after_the_first_step(roadmap, *, progress=None):
        if progress:
            progress(1, 2, "Вёрстка")
        raise MemoryError("не хватило памяти при вёрстке")

    monkeypatch.setattr("reports.services.render_roadmap_pdf", dies_after_the_first_step)
    client = client_for(methodist)
    job = _start(client, roadmap, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "не хватило памяти" in job.error
    assert ReportFile.objects.count() == 0 and _files() == before
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Повторить" in page

    monkeypatch.setattr("reports.services.render_roadmap_pdf", real)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]))
    retried = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[retried.pk])
    assert retried.status == Job.Status.SUCCEEDED
    assert ReportFile.objects.count() == 1 and len(_files()) == len(before) + 1


def test_file_is_removed_when_its_row_cannot_be_saved(roadmap, methodist, monkeypatch):
    before = _files()

    def refuse(self, *args, **kwargs):
        raise DatabaseError("база данных недоступна")

    monkeypatch.setattr(ReportFile, "save", refuse)
    with pytest.raises(DatabaseError):
        services.report_file_save(kind="roadmap_xlsx", filename="roadmap.xlsx", content=b"PK..", by=methodist)
    assert _files() == before
