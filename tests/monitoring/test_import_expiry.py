"""Uploads never imported expire: after IMPORT_PREVIEW_HOURS the hourly housekeeping deletes them
with their kept copy and rejected-rows workbook; imported files, fresh previews and uploads still
being processed stay."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings as django_settings
from django.utils import timezone

from config.jobs.models import Job
from monitoring.models import ResultImport
from monitoring.tasks import imports_housekeeping

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


def age(result_import, hours: float) -> None:
    ResultImport.objects.filter(pk=result_import.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_a_preview_never_confirmed_expires_with_its_files(xlsx, run_import, school_a, settings):
    settings.IMPORT_PREVIEW_HOURS = 24
    rows = [HEADER, [school_a.code, "5а", "Математика", "1", 4], ["sch404", "5а", "Математика", "2", 3]]
    old, _ = run_import(xlsx(rows), kind="vpr", apply=False)
    fresh, _ = run_import(xlsx(rows), "fresh.xlsx", kind="vpr", apply=False)
    files = [Path(old.file.path), Path(old.rejected_file.path)]
    assert all(path.exists() for path in files)
    age(old, 25)
    age(fresh, 23)

    assert imports_housekeeping() == {"expired": 1}
    assert not ResultImport.objects.filter(pk=old.pk).exists()
    assert not any(path.exists() for path in files)
    assert ResultImport.objects.filter(pk=fresh.pk).exists() and Path(fresh.file.path).exists()


def test_imported_files_and_uploads_being_processed_stay(xlsx, run_import, school_a, methodist):
    good = xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4]])
    imported, _ = run_import(good, kind="vpr")
    duplicate, _ = run_import(good, kind="vpr")  # the same file again shares the first copy
    assert duplicate.status == ResultImport.Status.DUPLICATE and duplicate.file.name == imported.file.name
    busy, _ = run_import(xlsx([HEADER, [school_a.code, "5б", "Математика", "2", 5]]), "busy.xlsx", apply=False)
    job = Job.objects.create(kind="results_import", title="Проверка", task_name="x", status="running")
    ResultImport.objects.filter(pk=busy.pk).update(job=job)
    for result_import in (imported, duplicate, busy):
        age(result_import, django_settings.IMPORT_PREVIEW_HOURS + 1)

    assert imports_housekeeping() == {"expired": 0}
    assert ResultImport.objects.count() == 3 and Path(imported.file.path).exists()


def test_housekeeping_runs_every_hour_under_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["imports-housekeeping"]
    assert entry == {"task": "monitoring.imports_housekeeping", "schedule": 3600.0}
