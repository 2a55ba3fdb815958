"""What monitoring gives roadmaps' targets (roadmaps.attainment): the indicators a measure's target
may name, and the municipality's value of the year for each — the pooled value (organization
empty), whole, not a slice by subject, grade or class."""

from __future__ import annotations

from monitoring.models import IndicatorDefinition, IndicatorValue


def target_indicator_choices() -> list[tuple[str, str]]:
    rows = IndicatorDefinition.objects.exclude(better=IndicatorDefinition.Better.NONE).order_by("order", "code")
    return [(code, f"{name} ({unit})") for code, name, unit in rows.values_list("code", "name", "unit")]


def target_indicator_values(keys: set[tuple[str, int, int]]) -> dict[tuple[str, int, int], float | None]:
    """{(code, municipality id, year): value} for the keys that have a value, in one query."""
    if not keys:
        return {}
    rows = IndicatorValue.objects.filter(
        indicator__code__in={code for code, _, _ in keys},
        municipality_id__in={municipality for _, municipality, _ in keys},
        year__in={year for _, _, year in keys},
        organization__isnull=True,
        subject="",
        grade__isnull=True,
        class_name="",
    ).values_list("indicator__code", "municipality_id", "year", "value")
    return {
        (code, municipality, year): value
        for code, municipality, year, value in rows
        if (code, municipality, year) in keys
    }
