"""config/lib/numbers.py: a column's range from its model field type, and the reasons given."""

from decimal import Decimal

import pytest

from config.lib.numbers import Range, column_range, field_range, number_text, parse_number, refusal, type_range
from roadmaps.models import Measure
from schools.models import Organization


def test_integer_columns_take_django_s_table_not_sqlite_s():
    assert (type_range("PositiveSmallIntegerField").low, type_range("PositiveSmallIntegerField").high) == (0, 32767)
    assert type_range("SmallIntegerField").low == -32768
    assert field_range(Organization, "enrolment").high == 2147483647


def test_decimal_and_float_columns():
    target = column_range(Measure._meta.get_field("target_value"))  # max_digits=12, decimal_places=3
    assert (target.low, target.high, target.whole) == (Decimal("-999999999.999"), Decimal("999999999.999"), False)
    assert target.holds(Decimal("999999999.999")) and not target.holds(Decimal("1000000000"))
    floats = type_range("FloatField")
    assert floats.holds(1e308) and not floats.holds(float("inf")) and not floats.holds(float("nan"))
    with pytest.raises(ValueError):
        type_range("CharField")


def test_a_domain_only_narrows_the_column():
    marks = type_range("PositiveSmallIntegerField").within(2, 5)
    assert (marks.low, marks.high) == (2, 5)
    assert type_range("PositiveSmallIntegerField").within(-10, 10**9).low == 0


@pytest.mark.parametrize(
    ("value", "number"),
    [("12,5", 12.5), (" 1 200 ", 1200), ("-0", 0), (-0.0, 0), ("1e308", int(1e308)), ("abc", None), (True, None)],
)
def test_parse_number(value, number):
    assert parse_number(value) == number


def test_parse_number_keeps_numbers_too_large_for_a_float_finite():
    assert parse_number("1e999") == Decimal("1e999")
    assert parse_number("9" * 5000) == Decimal("9" * 5000)  # more digits than int() takes from text
    assert str(parse_number("inf")) == "inf" and str(parse_number("nan")) == "nan"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7", None),
        (10**30, "Вариант «1e+30» вне диапазона: ожидается целое число от 0 до 32 767"),
        ("1e999999999", "Вариант «1e999999999» вне диапазона: ожидается целое число от 0 до 32 767"),
        ("inf", "Вариант «inf» — не конечное число: ожидается целое число от 0 до 32 767"),
        ("2,5", "Вариант «2,5» — не целое число: ожидается целое число от 0 до 32 767"),
        ("пять", "Вариант «пять» — не число: ожидается целое число от 0 до 32 767"),
    ],
)
def test_refusal_names_the_value_and_the_range(value, reason):
    assert refusal("Вариант", value, parse_number(value), type_range("PositiveSmallIntegerField")) == reason


def test_number_text():
    assert [number_text(v) for v in (1e308, 12.0, 12.5, "1" + "0" * 30, "-123", "000123")] == [
        "1e+308",
        "12",
        "12.5",
        "1e+30",
        "-123",
        "000123",
    ]
    assert Range(0, 100, whole=False).describe() == "число от 0 до 100"


@pytest.mark.parametrize(
    "count, form",
    [(0, "строк"), (1, "строка"), (2, "строки"), (4, "строки"), (5, "строк"), (11, "строк"), (12, "строк"),
     (14, "строк"), (21, "строка"), (22, "строки"), (101, "строка"), (111, "строк"), (1_000_002, "строки")],
)  # fmt: skip
def test_russian_plural_agrees_with_the_number(count, form):
    from django.template import Context, Template

    from config.lib.russian import plural

    assert plural(count, "строка", "строки", "строк") == form
    assert Template('{{ n|plural:"строка,строки,строк" }}').render(Context({"n": count})) == form
