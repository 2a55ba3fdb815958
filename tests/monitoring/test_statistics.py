"""Statistics per school and assessment equal the counts made by hand on a small fixture, and are
computed with one aggregate query, not a Python loop over results."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Assessment, EgeMinScore, SchoolStat, StudentResult
from monitoring.services import statistics_rebuild

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Первичный балл", "Отметка", "Отметка по журналу"]


def test_vpr_statistics_equal_hand_counts(xlsx, run_import, school_a, school_b):
    rows = [
        HEADER,
        # school A: marks 2, 3, 4, 4, 5; journal 4, 3, 5, 3, 5 → lowered 2 (2<4, 4<5), confirmed 2, raised 1 (4>3);
        # |mark - journal| >= 2 once (2 vs 4); primary 3, 8, 12, 14, 19 → mean 11.2
        [school_a.code, "5а", "Математика", "a1", 3, 2, 4],
        [school_a.code, "5а", "Математика", "a2", 8, 3, 3],
        [school_a.code, "5а", "Математика", "a3", 12, 4, 5],
        [school_a.code, "5б", "Математика", "a4", 14, 4, 3],
        [school_a.code, "5б", "Математика", "a5", 19, 5, 5],
        # school B: two pupils, one without a journal mark
        [school_b.code, "5", "Математика", "b1", 10, 3, ""],
        [school_b.code, "5", "Математика", "b2", 6, 2, 2],
    ]
    result_import, outcome = run_import(xlsx(rows), kind="vpr")
    assert outcome.imported == 7, result_import.problems
    a = SchoolStat.objects.get(organization=school_a)
    assert (a.participants, a.mark_2, a.mark_3, a.mark_4, a.mark_5) == (5, 1, 1, 2, 1)
    assert (a.with_journal, a.lowered, a.confirmed, a.raised, a.significant_mismatch) == (5, 2, 2, 1, 1)
    assert a.mean_primary == 11.2 and a.mean_test is None
    b = SchoolStat.objects.get(organization=school_b)
    assert (b.participants, b.mark_2, b.mark_3, b.with_journal, b.confirmed, b.lowered) == (2, 1, 1, 1, 1, 0)
    assert b.mean_primary == 8


def test_ege_below_minimum_and_over_60(municipality, school_a):
    assessment = Assessment.objects.create(kind="ege", year=2024, subject="Физика", grade=11, scale="test_scores")
    EgeMinScore.objects.create(year=2024, subject="Физика", min_score=36)
    for score in (20, 35, 36, 60, 61, 99):
        StudentResult.objects.create(assessment=assessment, organization=school_a, test_score=score)
    statistics_rebuild(assessment_ids={assessment.pk})
    stat = SchoolStat.objects.get()
    assert (stat.participants, stat.below_min, stat.over_60) == (6, 2, 2)
    assert stat.mean_test == (20 + 35 + 36 + 60 + 61 + 99) / 6


def test_ege_without_a_minimum_in_the_table_counts_nobody_below(municipality, school_a):
    assessment = Assessment.objects.create(kind="ege", year=2024, subject="Астрономия", grade=11)
    StudentResult.objects.create(assessment=assessment, organization=school_a, test_score=5)
    statistics_rebuild(assessment_ids={assessment.pk})
    assert SchoolStat.objects.get().below_min == 0


def test_kdr_levels_counted(municipality, school_a):
    assessment = Assessment.objects.create(kind="kdr", year=2024, subject="Читательская грамотность", grade=4)
    for level in ("insufficient", "low", "low", "base", "high", "high", "high"):
        StudentResult.objects.create(assessment=assessment, organization=school_a, level=level)
    statistics_rebuild(assessment_ids={assessment.pk})
    stat = SchoolStat.objects.get()
    assert (stat.level_insufficient, stat.level_low, stat.level_base, stat.level_high) == (1, 2, 1, 3)


def test_statistics_are_one_aggregate_query(municipality, school_a, school_b):
    assessments = [
        Assessment.objects.create(kind="vpr", year=2024, subject="Математика", grade=grade) for grade in (4, 5, 6)
    ]
    for assessment in assessments:
        for school in (school_a, school_b):
            for mark in (2, 3, 4, 5):
                StudentResult.objects.create(assessment=assessment, organization=school, mark=mark, journal_mark=4)
    with CaptureQueriesContext(connection) as queries:
        statistics_rebuild(assessment_ids={a.pk for a in assessments})
    # One INSERT … SELECT … GROUP BY; besides it the DELETE of the old rows and the look-up of the
    # assessments' ЕГЭ minimums — no result row is read into Python.
    statements = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    grouped = [sql for sql in statements if "GROUP BY" in sql]
    assert len(grouped) == 1 and grouped[0].startswith("INSERT INTO")
    assert not [sql for sql in statements if sql.startswith("SELECT") and "STUDENTRESULT" in sql]
    assert SchoolStat.objects.count() == 6
    assert set(SchoolStat.objects.values_list("participants", "lowered", "confirmed", "raised")) == {(4, 2, 1, 1)}
