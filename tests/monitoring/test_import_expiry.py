"""Uploads never imported expire: after IMPORT_PREVIEW_HOURS the hourly housekeeping deletes them
with their kept copy and rejected-rows workbook; imported files, fresh previews and uploads still
being processed stay. The same housekeeping de-personalises copies kept before uploads were."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

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

    assert imports_housekeeping() == {"expired": 1, "depersonalised": 0}
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

    assert imports_housekeeping() == {"expired": 0, "depersonalised": 0}
    assert ResultImport.objects.count() == 3 and Path(imported.file.path).exists()


def test_housekeeping_runs_every_hour_under_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["imports-housekeeping"]
    assert entry == {"task": "monitoring.imports_housekeeping", "schedule": 3600.0}


def test_a_copy_kept_before_uploads_were_depersonalised_is_cleaned_for_every_record(xlsx, run_import, school_a):
    """Such a copy blanked only «ФИО», «Фамилия», «Имя», «Отчество», «Дата рождения»."""
    rows = [
        ["Код ОО", "Класс", "Предмет", "ФИО обучающегося", "СНИЛС", "Отметка"],
        [school_a.code, "5а", "Математика", "Пупкинсон Аристарх Евлампиевич", "987-654-321 98", 4],
    ]
    imported, _ = run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4]]), kind="vpr")
    duplicate, _ = run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4]]), kind="vpr")
    old_name = imported.file.storage.save("imports/2024/05/old.xlsx", ContentFile(xlsx(rows)))
    for record in (imported, duplicate):
        summary = {key: value for key, value in record.summary.items() if key != "kept"}
        ResultImport.objects.filter(pk=record.pk).update(file=old_name, summary=summary)

    assert imports_housekeeping() == {"expired": 0, "depersonalised": 1}
    imported.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.file.name == imported.file.name != old_name
    assert not imported.file.storage.exists(old_name)
    values = [str(value) for row in load_workbook(imported.file.path).active.values for value in row if value]
    assert school_a.code in values and "Код участника" in values
    assert not [value for value in values if "Пупкинсон" in value or "987-654-321" in value]
    assert imported.summary["kept"]["rewritten"] and duplicate.summary["kept"] == imported.summary["kept"]
    assert imports_housekeeping() == {"expired": 0, "depersonalised": 0}  # once
