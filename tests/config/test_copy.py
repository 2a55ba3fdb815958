"""config.lib.copy.rows_insert: rows written by COPY (PostgreSQL) or bulk_create read back as given,
whatever their text holds."""

from datetime import UTC, datetime

from config.lib.copy import rows_insert
from monitoring.models import IndicatorValue


def test_rows_come_back_as_written(municipality, school_a):
    when = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    awkward = "таб\tстрока\nвозврат\rслэш\\ «кавычки» 'и' \"ещё\""
    columns = ("indicator_id", "year", "municipality_id", "organization_id", "subject", "grade", "class_name",
               "numerator", "denominator", "value", "details", "computed_at")  # fmt: skip
    rows_insert(
        IndicatorValue,
        columns,
        [
            (
                1,
                2026,
                municipality.pk,
                school_a.pk,
                awkward,
                5,
                "",
                1,
                3,
                33.3,
                {"text": awkward, "n": [1, None]},
                when,
            ),
            (2, 2026, municipality.pk, None, "", None, "", None, 0, None, {}, when),
        ],
    )
    first, second = IndicatorValue.objects.order_by("indicator_id")
    assert (first.subject, first.grade, first.value, first.details) == (
        awkward,
        5,
        33.3,
        {"text": awkward, "n": [1, None]},
    )
    assert first.organization_id == school_a.pk
    assert first.computed_at is not None  # an auto_now column: bulk_create (SQLite) stamps it afresh
    assert (second.organization_id, second.grade, second.numerator, second.value, second.details) == (
        None,
        None,
        None,
        None,
        {},
    )
