"""Results partitioned by school year on PostgreSQL (issue 16 part 3): each imported year lands in its
own partition, a re-import replaces inside one year, rows written outside the import move into their
year's partition when it is made, and an old year is detached and attached back by the command.
SQLite keeps the plain table (the year column is still filled)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from monitoring.models import Assessment, SchoolStat, StudentResult
from monitoring.partitions import DEFAULT, is_partitioned, partition_name, results_partition_ensure, year_partitions

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def rows_in(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ONLY {table}")
        return cursor.fetchone()[0]


def test_every_result_carries_its_assessments_year(xlsx, run_import, school_a):
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr", year=2025)
    assessment = Assessment.objects.get()
    # written outside the import: save and bulk_create take the year from the assessment
    StudentResult.objects.create(assessment=assessment, organization=school_a, participant_code="2", mark=4)
    StudentResult.objects.bulk_create(
        [StudentResult(assessment=assessment, organization=school_a, participant_code="3", mark=5)]
    )
    assert list(StudentResult.objects.values_list("year", flat=True).distinct()) == [2025]


def test_a_changed_assessment_year_moves_its_results(xlsx, run_import, school_a):
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr", year=2025)
    assessment = Assessment.objects.get()
    assessment.year = 2026
    assessment.save()
    assert list(StudentResult.objects.values_list("year", flat=True)) == [2026]


@postgres_only
def test_the_table_is_partitioned_and_each_year_lands_in_its_partition(xlsx, run_import, school_a, school_b):
    assert is_partitioned()
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr", year=2024)
    run_import(
        xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4], [school_b.code, "5а", "Математика", "2", 5]]),
        kind="vpr",
        year=2025,
    )
    assert {2024, 2025} <= set(year_partitions())
    assert rows_in(partition_name(2024)) == 1 and rows_in(partition_name(2025)) == 2
    assert rows_in(DEFAULT) == 0
    # a re-import of 2025 replaces inside its year and leaves 2024 alone
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 2]]), kind="vpr", year=2025)
    assert sorted(StudentResult.objects.values_list("year", "organization_id", "mark")) == [
        (2024, school_a.pk, 3),
        (2025, school_a.pk, 2),
        (2025, school_b.pk, 5),
    ]


@postgres_only
def test_rows_of_a_year_without_partition_wait_in_the_default_and_move_when_it_is_made(school_a):
    assessment = Assessment.objects.create(kind="vpr", year=2031, subject="Математика", grade=5)
    StudentResult.objects.bulk_create(
        [StudentResult(assessment=assessment, organization=school_a, participant_code=str(n), mark=4) for n in range(3)]
    )
    assert 2031 not in year_partitions() and rows_in(DEFAULT) == 3
    results_partition_ensure([2031])
    assert rows_in(partition_name(2031)) == 3 and rows_in(DEFAULT) == 0
    assert StudentResult.objects.filter(year=2031).count() == 3
    results_partition_ensure([2031])  # made once
    # a new row gets a fresh id through the parent's identity
    extra = StudentResult.objects.create(assessment=assessment, organization=school_a, participant_code="9", mark=5)
    assert extra.pk > max(StudentResult.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


@postgres_only
def test_an_old_year_is_detached_and_attached_back_by_the_command(xlsx, run_import, school_a):
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 3]]), kind="vpr", year=2024)
    run_import(xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4]]), kind="vpr", year=2025)
    call_command("results_archive", "--year", "2024")
    assert list(StudentResult.objects.values_list("year", flat=True)) == [2025]
    assert rows_in("monitoring_studentresult_archived_y2024") == 1
    # the year's statistics stay: its pages still show them
    assert SchoolStat.objects.filter(assessment__year=2024).count() == 1
    with pytest.raises(CommandError, match="нет своего раздела"):
        call_command("results_archive", "--year", "2024")
    call_command("results_archive", "--year", "2024", "--attach")
    assert sorted(StudentResult.objects.values_list("year", flat=True)) == [2024, 2025]
    with pytest.raises(CommandError, match="Архива 2024 года нет"):
        call_command("results_archive", "--year", "2024", "--attach")


def test_archiving_refuses_a_year_out_of_range_in_russian():
    with pytest.raises(CommandError, match="Учебный год"):
        call_command("results_archive", "--year", "12")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps the plain table")
def test_sqlite_keeps_the_plain_table_and_archiving_says_why():
    assert not is_partitioned()
    with pytest.raises(CommandError, match="только на PostgreSQL"):
        call_command("results_archive", "--year", "2024")
