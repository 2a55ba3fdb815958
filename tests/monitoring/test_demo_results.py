"""The demo results: imported through the service, realistic spread, same children across
years, idempotent."""

from django.db.models import Sum

from monitoring.demo import INFLATED_JOURNAL, WEAK, load_demo_results
from monitoring.models import ResultImport, SchoolStat, StudentResult
from schools.demo import load_demo_schools


def test_demo_results_are_imported_idempotently_with_a_realistic_spread(db):
    load_demo_schools()
    created = load_demo_results()
    assert created["загрузок"] == 9 and created["результатов"] > 5000
    counts = StudentResult.objects.count(), SchoolStat.objects.count(), ResultImport.objects.count()
    again = load_demo_results()
    assert again["загрузок"] == 0 and again["результатов"] == 0
    assert (StudentResult.objects.count(), SchoolStat.objects.count(), ResultImport.objects.count()) == counts
    assert set(ResultImport.objects.values_list("kind", flat=True)) == {"vpr", "oge", "ege", "kdr"}
    assert set(ResultImport.objects.values_list("year", flat=True)) >= {2025, 2026}

    def share(codes, field, kind="vpr"):
        totals = SchoolStat.objects.filter(organization__code__in=codes, assessment__kind=kind).aggregate(
            part=Sum(field), all=Sum("participants")
        )
        return totals["part"] / totals["all"]

    others = set(SchoolStat.objects.values_list("organization__code", flat=True)) - WEAK - INFLATED_JOURNAL
    assert share(WEAK, "mark_2") > 2 * share(others, "mark_2")
    assert share(INFLATED_JOURNAL, "lowered") > 2 * share(others, "lowered")

    # КДР: the pupils of grade 4 in 2024 write again in grade 6 in 2026 under the same codes.
    grade4 = set(
        StudentResult.objects.filter(assessment__kind="kdr", assessment__year=2024).values_list(
            "participant_code", flat=True
        )
    )
    grade6 = set(
        StudentResult.objects.filter(assessment__kind="kdr", assessment__year=2026, assessment__grade=6).values_list(
            "participant_code", flat=True
        )
    )
    assert grade4 and grade4 == grade6
