"""Academic years (учебные годы), named as the product stores them: by the year they end in — the
year from 1 September 2025 to 31 August 2026 is 2026, printed «2025/2026»."""

from __future__ import annotations

from datetime import date

from django.utils import timezone


def academic_year(day: date) -> int:
    """The academic year `day` falls in (September starts the next one)."""
    return day.year + 1 if day.month >= 9 else day.year


def current_academic_year() -> int:
    return academic_year(timezone.localdate())


def academic_year_window(year: int) -> tuple[date, date]:
    """1 September to 31 August of the academic year that ends in `year`."""
    return date(year - 1, 9, 1), date(year, 8, 31)


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{year}"
