"""Numbers from people's files, checked against the column they will be stored in.

A number the database refuses has to be refused when the file is checked, not when it is
written: otherwise the preview promises rows and the import then fails on all of them
(«Python int too large to convert to SQLite INTEGER», PostgreSQL's «smallint out of range»).

The range of a column comes from its model field's type, through Django's own table of integer
column ranges (the one PostgreSQL and the SQL standard follow: SQLite would store any 64-bit
integer, but a file checked on a laptop must also import on the server), the largest finite
double for a FloatField, and the digits of a DecimalField. A domain narrows that range
(a mark 2–5, a test score 0–100) with :meth:`Range.within`; it never widens it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# django.db.models first: importing the base operations module alone runs into an import cycle.
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

__all__ = [
    "INTEGER_RANGES",
    "Range",
    "column_range",
    "field_range",
    "number_text",
    "parse_number",
    "refusal",
    "type_range",
]

#: Integer column ranges by field type, Django's table (PositiveSmallIntegerField: 0..32767, …).
INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


@dataclass(frozen=True, slots=True)
class Range:
    """The numbers a value may be: whole ones only, or any finite ones, from ``low`` to ``high``."""

    low: int | float | Decimal
    high: int | float | Decimal
    whole: bool = True

    def within(self, low: int | float | None = None, high: int | float | None = None) -> Range:
        """This range narrowed by the domain (never widened beyond the column)."""
        return Range(
            self.low if low is None else max(self.low, low),
            self.high if high is None else min(self.high, high),
            self.whole,
        )

    def holds(self, number: object) -> bool:
        """Whether ``number`` (an int, float or Decimal; booleans are not numbers) may be stored."""
        if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
            return False
        if not _finite(number):
            return False
        # The range first: int() of a Decimal like 1e999999999 would build a billion-digit number.
        if not self.low <= number <= self.high:
            return False
        return not self.whole or isinstance(number, int) or number == int(number)

    def describe(self) -> str:
        """«целое число от 0 до 32 767», «число от 0 до 100»."""
        kind = "целое число" if self.whole else "число"
        return f"{kind} от {_grouped(self.low)} до {_grouped(self.high)}"


def type_range(internal_type: str, *, max_digits: int | None = None, decimal_places: int | None = None) -> Range:
    """The range of a column of this model field type (``Field.get_internal_type()``)."""
    if internal_type in INTEGER_RANGES:
        low, high = INTEGER_RANGES[internal_type]
        return Range(low, high)
    if internal_type == "FloatField":
        return Range(-sys.float_info.max, sys.float_info.max, whole=False)
    if internal_type == "DecimalField":
        if max_digits is None or decimal_places is None:
            raise ValueError("a DecimalField's range needs its max_digits and decimal_places")
        # Django rounds extra decimal places; only the digits before the point can overflow.
        largest = Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places
        return Range(-largest, largest, whole=decimal_places == 0)
    raise ValueError(f"not a numeric field type: {internal_type}")


def column_range(field: models.Field) -> Range:
    """The range of the column a model field is stored in."""
    return type_range(
        field.get_internal_type(),
        max_digits=getattr(field, "max_digits", None),
        decimal_places=getattr(field, "decimal_places", None),
    )


def field_range(model: type[models.Model], name: str) -> Range:
    """``column_range`` of ``model``'s field ``name``: field_range(Organization, "enrolment")."""
    return column_range(model._meta.get_field(name))


def number_text(value: object) -> str:
    """A number as a person reads it in a message: 1e+30 rather than thirty-one digits.

    Excel shows such numbers the same way (1E+30); shorter numbers are shown as written."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    digits = text.lstrip("+-")
    if len(digits) > 15 and digits.isascii() and digits.isdigit():
        sign = "-" if text.startswith("-") else ""
        fraction = digits[1:6].rstrip("0")
        return f"{sign}{digits[0]}{'.' + fraction if fraction else ''}e+{len(digits) - 1}"
    return text


def refusal(label: str, value: object, number: object, allowed: Range) -> str | None:
    """None when ``number`` may be stored; otherwise a Russian reason naming the value and the range.

    ``value`` is what the cell holds (shown in the reason), ``number`` the parsed number: an int,
    a float or a Decimal, or None when the text is not a number at all.
    """
    if allowed.holds(number):
        return None
    shown = number_text(value)
    expected = f"ожидается {allowed.describe()}"
    if number is None or isinstance(number, bool):
        return f"{label} «{shown}» — не число: {expected}"
    if not _finite(number):
        return f"{label} «{shown}» — не конечное число: {expected}"
    if not allowed.low <= number <= allowed.high:
        return f"{label} «{shown}» вне диапазона: {expected}"
    return f"{label} «{shown}» — не целое число: {expected}"


def parse_number(value: object) -> int | float | Decimal | None:
    """A cell or a form value as a number (None when it is not one): "12,5", " 1 000 ", 1e+30,
    "inf" and "nan" too (:func:`refusal` then says why they cannot be stored)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:  # not whole, or more digits than int() takes from text (4300)
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    if math.isinf(number) and "inf" not in text.lower():
        # 1e999 or a thousand digits: a finite number too large for a float, out of every range.
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return int(number) if number.is_integer() else number


def _finite(number: int | float | Decimal) -> bool:
    if isinstance(number, Decimal):
        return number.is_finite()  # math.isfinite would round 1E+999 to a float: infinity
    return isinstance(number, int) or math.isfinite(number)


def _grouped(number: int | float | Decimal) -> str:
    """Russian digit grouping: 32 767, 2 147 483 647 (four-digit numbers stay whole)."""
    if isinstance(number, float) and abs(number) >= 1e15:
        return f"{number:.6g}".replace(".", ",")
    if isinstance(number, Decimal):
        number = number.normalize()
        text = f"{number:f}"
    elif isinstance(number, float) and number.is_integer():
        text = str(int(number))
    else:
        text = str(number)
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    if len(whole) > 4:
        whole = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{whole}" + (f",{fraction}" if fraction else "")
