"""Zoning methods: range validation, the combine modes, minimum participants, approval and
freezing, the example method, and recomputation keeping the previous result."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from monitoring.analysis.services import (
    example_method_load,
    indicators_load,
    method_approve,
    method_create,
    rule_add,
)
from monitoring.models import Colour, IndicatorDefinition, IndicatorValue, Zone, ZoningMethod
from monitoring.zoning import combine_colours, parse_ranges, validate_ranges, zones_compute

SCALE = {"scale_min": 0, "scale_max": 100}


def test_valid_ranges_cover_the_scale():
    ranges = parse_ranges("зелёная [0; 10), жёлтая [10; 25), красная [25; 100]")
    assert validate_ranges(ranges, **SCALE) == []
    assert ranges[0] == {"colour": "green", "low": 0, "high": 10, "low_closed": True, "high_closed": False}


def test_gap_between_ranges_is_refused():
    errors = validate_ranges(parse_ranges("зелёная [0; 10), жёлтая [12; 25), красная [25; 100]"), **SCALE)
    assert errors == ["Разрыв: значения от 10 до 12 (между [0; 10) и [12; 25)) не попадают ни в один диапазон"]


def test_open_ends_meeting_leave_a_point_gap():
    errors = validate_ranges(parse_ranges("зелёная [0; 10), жёлтая (10; 25), красная [25; 100]"), **SCALE)
    assert errors == ["Разрыв: значение 10 не входит ни в [0; 10), ни в (10; 25)"]


def test_overlap_is_refused():
    errors = validate_ranges(parse_ranges("зелёная [0; 15), жёлтая [10; 25), красная [25; 100]"), **SCALE)
    assert errors == ["Наложение: диапазоны [0; 15) и [10; 25) оба содержат значения от 10 до 15"]


def test_closed_ends_meeting_overlap_at_a_point():
    errors = validate_ranges(parse_ranges("зелёная [0; 10], жёлтая [10; 25), красная [25; 100]"), **SCALE)
    assert errors == ["Наложение: значение 10 входит в оба диапазона [0; 10] и [10; 25)"]


def test_reversed_range_is_refused():
    errors = validate_ranges(parse_ranges("зелёная [0; 10), жёлтая [25; 10), красная [25; 100]"), **SCALE)
    assert errors == ["Диапазон «жёлтая [25; 10)» перевёрнут или пуст: нижняя граница 25 не меньше верхней 10"]


def test_range_outside_the_scale_is_refused():
    errors = validate_ranges(parse_ranges("зелёная [-5; 10), жёлтая [10; 25), красная [25; 120]"), **SCALE)
    assert errors == [
        "Диапазон «зелёная [-5; 10)» выходит за шкалу показателя 0–100",
        "Диапазон «красная [25; 120]» выходит за шкалу показателя 0–100",
    ]


def test_scale_not_covered_at_the_ends():
    errors = validate_ranges(parse_ranges("зелёная (0; 10), жёлтая [10; 25), красная [25; 90]"), **SCALE)
    assert errors == [
        "Разрыв: значение 0 не попадает ни в один диапазон (граница открыта)",
        "Разрыв: значения от 90 до 100 не попадают ни в один диапазон",
    ]


def test_unreadable_ranges_say_what(db, municipality, methodist):
    indicators_load()
    method = method_create(municipality=municipality, by=methodist, year=2024, title="Методика")
    with pytest.raises(ValidationError) as error:
        rule_add(
            method=method,
            by=methodist,
            indicator=IndicatorDefinition.objects.get(code="vpr_share_2"),
            ranges_text="синяя [0; 100]",
        )
    assert "Неизвестный цвет «синяя»" in error.value.messages[0]


def test_invalid_rule_cannot_be_saved(db, municipality, methodist):
    indicators_load()
    method = method_create(municipality=municipality, by=methodist, year=2024, title="Методика")
    with pytest.raises(ValidationError) as error:
        rule_add(
            method=method, by=methodist, indicator=IndicatorDefinition.objects.get(code="vpr_share_2"),
            ranges_text="зелёная [0; 10), жёлтая [12; 25), красная [25; 100]",
        )  # fmt: skip
    assert "Разрыв" in error.value.messages[0]
    assert method.rules.count() == 0


@pytest.mark.parametrize(
    ("mode", "items", "expected"),
    [
        ("worst", [("green", 1), ("yellow", 1), ("red", 1)], "red"),
        ("worst", [("green", 1), ("yellow", 1), ("no_data", 1)], "yellow"),
        ("worst", [("no_data", 1), ("no_data", 1)], "no_data"),
        # weighted: (2·3 + 0·1) / 4 = 1.5 → green (≥ 1.5)
        ("weighted", [("green", 3), ("red", 1)], "green"),
        # (2·1 + 0·1) / 2 = 1.0 → yellow (≥ 0.75, < 1.5)
        ("weighted", [("green", 1), ("red", 1)], "yellow"),
        # (1·1 + 0·3) / 4 = 0.25 → red
        ("weighted", [("yellow", 1), ("red", 3)], "red"),
        ("red_count", [("red", 1), ("green", 1), ("green", 1)], "yellow"),
        ("red_count", [("red", 1), ("red", 1), ("green", 1)], "red"),
        ("red_count", [("green", 1), ("green", 1)], "green"),
    ],
)
def test_combine_modes(mode, items, expected):
    colour, _score = combine_colours(mode, items, green_min=1.5, yellow_min=0.75, red_for_red=2)
    assert colour == expected


@pytest.fixture
def method_with_values(municipality, school_a, school_b, methodist):
    indicators_load()
    share_2 = IndicatorDefinition.objects.get(code="vpr_share_2")
    mismatch = IndicatorDefinition.objects.get(code="vpr_journal_mismatch")
    for organization, share, participants, mis in ((school_a, 30.0, 40, 5.0), (school_b, 5.0, 3, 50.0)):
        IndicatorValue.objects.create(
            indicator=share_2, year=2024, municipality=municipality, organization=organization,
            numerator=share * participants / 100, denominator=participants, value=share,
        )  # fmt: skip
        IndicatorValue.objects.create(
            indicator=mismatch, year=2024, municipality=municipality, organization=organization,
            numerator=mis * participants / 100, denominator=participants, value=mis,
        )  # fmt: skip
    method = method_create(
        municipality=municipality, by=methodist, year=2024, title="Методика 2024", minimum_participants=5
    )
    rule_add(
        method=method,
        by=methodist,
        indicator=share_2,
        ranges_text="зелёная [0; 10), жёлтая [10; 25), красная [25; 100]",
    )
    rule_add(
        method=method,
        by=methodist,
        indicator=mismatch,
        ranges_text="зелёная [0; 15), жёлтая [15; 30), красная [30; 100]",
    )
    return method


def test_zones_with_explanation_and_minimum_participants(method_with_values, school_a, school_b):
    summary = zones_compute(method=method_with_values)
    a = Zone.objects.get(organization=school_a)
    assert a.colour == Colour.RED
    assert [(e["indicator"], e["value"], e["range"], e["colour"]) for e in a.explanation] == [
        ("vpr_share_2", 30.0, "[25; 100]", "red"),
        ("vpr_journal_mismatch", 5.0, "[0; 15)", "green"),
    ]
    b = Zone.objects.get(organization=school_b)  # 3 participants < 5: every rule lacks data
    assert b.colour == Colour.NO_DATA
    assert b.explanation[0]["reason"] == "участников 3 — меньше минимума 5"
    assert summary.counts["red"] == 1 and summary.counts["no_data"] == 1


def test_recompute_keeps_previous_result(method_with_values, school_a):
    zones_compute(method=method_with_values)
    IndicatorValue.objects.filter(organization=school_a, indicator__code="vpr_share_2").update(value=12.0)
    zones_compute(method=method_with_values)
    zone = Zone.objects.get(organization=school_a)
    assert (zone.previous_colour, zone.colour) == ("red", "yellow")
    assert zone.changed and zone.previous_explanation[0]["value"] == 30.0


def test_method_approved_by_official_and_then_frozen(method_with_values, methodist, official):
    share_2 = IndicatorDefinition.objects.get(code="vpr_share_2")
    with pytest.raises(PermissionDenied):
        method_approve(method=method_with_values, by=methodist, order_number="12", order_date=date(2024, 9, 1))
    method_approve(method=method_with_values, by=official, order_number="12-о", order_date=date(2024, 9, 1))
    assert method_with_values.status == ZoningMethod.Status.APPROVED
    with pytest.raises(ValidationError, match="утверждена и не может быть изменена"):
        rule_add(method=method_with_values, by=methodist, indicator=share_2, ranges_text="зелёная [0; 100]")


def test_example_method_loaded_and_labelled(municipality):
    indicators_load()
    method = example_method_load(municipality=municipality, year=2026)
    assert method.is_example and method.title.startswith("Пример методики")
    assert method.rules.count() == 4
    rule = method.rules.get(indicator__code="vpr_share_2")
    assert rule.ranges[-1] == {"colour": "red", "low": 25.0, "high": 100.0, "low_closed": True, "high_closed": True}
    assert example_method_load(municipality=municipality, year=2026) == method  # idempotent


def test_compute_zones_command_prints_codes_and_zones(method_with_values, capsys):
    call_command("compute_zones", method=method_with_values.pk)
    out = capsys.readouterr().out
    assert "sch000101\tКрасная" in out
    assert "sch000102\tНедостаточно данных" in out
