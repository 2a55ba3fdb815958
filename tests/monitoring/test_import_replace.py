"""Replace, never duplicate: a re-import replaces one (assessment, school) atomically, the same
file twice changes nothing, and a job that dies halfway leaves the previous data."""

import pytest

from monitoring import services
from monitoring.models import ResultImport, SchoolStat, StudentResult

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


def codes():
    return sorted(StudentResult.objects.values_list("organization__code", "participant_code", "mark"))


def test_reimport_replaces_results_of_the_schools_it_covers(xlsx, run_import, school_a, school_b):
    run_import(
        xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3], [school_b.code, "5а", "Математика", "2", 3]]),
        kind="vpr",
    )
    run_import(
        xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 5], [school_a.code, "5а", "Математика", "3", 4]]),
        kind="vpr",
    )
    # School A replaced (no duplicate of pupil 1), school B (not in the second file) kept.
    assert codes() == [(school_a.code, "1", 5), (school_a.code, "3", 4), (school_b.code, "2", 3)]
    stat_a = SchoolStat.objects.get(organization=school_a)
    assert (stat_a.participants, stat_a.mark_4, stat_a.mark_5, stat_a.mark_3) == (2, 1, 1, 0)
    assert SchoolStat.objects.get(organization=school_b).participants == 1


def test_other_assessments_of_the_same_school_are_untouched(xlsx, run_import, school_a):
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr")
    run_import(xlsx([HEADER, [school_a.code, "5а", "Русский язык", "1", 4]]), kind="vpr")
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr", year=2025)
    assert StudentResult.objects.count() == 3
    assert SchoolStat.objects.count() == 3


def test_same_file_twice_changes_nothing(xlsx, run_import, school_a):
    data = xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]])
    first, _ = run_import(data, kind="vpr")
    before = list(StudentResult.objects.values_list("pk", "result_import_id"))
    stat_before = SchoolStat.objects.get().updated_at
    second, outcome = run_import(data, kind="vpr")
    assert second.status == ResultImport.Status.DUPLICATE
    assert second.summary["duplicate_of"] == first.pk
    assert outcome.imported == 0 and outcome.duplicate_of == first.pk
    assert list(StudentResult.objects.values_list("pk", "result_import_id")) == before
    assert SchoolStat.objects.get().updated_at == stat_before


def test_same_file_for_another_year_is_not_a_duplicate(xlsx, run_import, school_a):
    data = xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]])
    run_import(data, kind="vpr", year=2024)
    second, _ = run_import(data, kind="vpr", year=2025)
    assert second.status == ResultImport.Status.IMPORTED
    assert StudentResult.objects.count() == 2


def test_preview_of_an_already_imported_file_says_so(xlsx, run_import, school_a):
    data = xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]])
    first, _ = run_import(data, kind="vpr")
    preview, outcome = run_import(data, kind="vpr", apply=False)
    assert preview.status == ResultImport.Status.PREVIEWED and outcome.duplicate_of == first.pk


@pytest.mark.parametrize("where", ["rows", "statistics_rebuild"])
def test_job_killed_mid_write_leaves_the_old_data(xlsx, run_import, school_a, monkeypatch, where):
    from django.db import connection

    if where == "rows":  # the bulk writer of this database: COPY on PostgreSQL, bulk_create elsewhere
        where = "_copy_results" if connection.vendor == "postgresql" else "_bulk_create_results"
    run_import(
        xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3], [school_a.code, "5а", "Математика", "2", 4]]),
        kind="vpr",
    )
    before, stats_before = codes(), list(SchoolStat.objects.values_list("participants", "mark_3", "mark_4"))
    real = getattr(services, where)

    def dies_halfway(*args, **kwargs):
        real(*args, **kwargs)  # the new rows are written (old ones already deleted) …
        raise MemoryError("worker killed")  # … and then the worker dies

    monkeypatch.setattr(services, where, dies_halfway)
    with pytest.raises(MemoryError):
        run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "9", 5]]), kind="vpr")
    assert codes() == before
    assert list(SchoolStat.objects.values_list("participants", "mark_3", "mark_4")) == stats_before
    failed = ResultImport.objects.latest("pk")
    assert failed.status == ResultImport.Status.FAILED
    assert "worker killed" in failed.summary["error"]


def test_failed_job_is_reported_on_the_job_and_old_data_kept(
    xlsx, municipality, school_a, methodist, monkeypatch, django_capture_on_commit_callbacks
):
    from config.jobs.models import Job
    from monitoring.services import result_import_apply, result_import_create
    from monitoring.tasks import APPLY_TASK, result_import_job_start

    old = result_import_create(
        municipality=municipality,
        data=xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]),
        filename="a.xlsx",
        kind="vpr",
        year=2024,
    )
    result_import_apply(result_import=old)
    new = result_import_create(
        municipality=municipality,
        data=xlsx([HEADER, [school_a.code, "5а", "Математика", "2", 5]]),
        filename="b.xlsx",
        kind="vpr",
        year=2024,
    )

    def boom(*args, **kwargs):
        raise RuntimeError("диск переполнен")

    monkeypatch.setattr(services, "statistics_rebuild", boom)
    with django_capture_on_commit_callbacks(execute=True):
        job = result_import_job_start(result_import=new, task_name=APPLY_TASK, user=methodist)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "диск переполнен" in job.error
    assert codes() == [(school_a.code, "1", 3)]
