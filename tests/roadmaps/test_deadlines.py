"""Deadline texts ("Сроки") parsed against a roadmap's period (shared/domain/deadlines.md)."""

import calendar
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from roadmaps.deadlines import (
    INTERNAL_ERROR_REMARK,
    UNDATED_KINDS,
    DeadlineKind,
    Occurrence,
    ParsedDeadline,
    parse_deadline,
)

# The periods of the worked examples: A = seed 000 (academic year), B = seed 002 (order of
# 27.08.2021), C = seed 001 (concept 2020–2022). D = seed 003, the regional roadmap by year
# (2019–2023), for the corpus lines that only it has.
A = (date(2022, 8, 1), date(2023, 7, 31))
B = (date(2021, 9, 1), date(2022, 12, 31))
C = (date(2020, 1, 1), date(2022, 12, 31))
D = (date(2019, 1, 1), date(2023, 12, 31))
PERIODS = {"A": A, "B": B, "C": C, "D": D}

CORPUS_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "deadlines.txt"

WINDOW = DeadlineKind.WINDOW
DATE = DeadlineKind.DATE
RECURRING = DeadlineKind.RECURRING
CONTINUOUS = DeadlineKind.CONTINUOUS
EXTERNAL = DeadlineKind.EXTERNAL
ON_DEMAND = DeadlineKind.ON_DEMAND
NEEDS_DATES = DeadlineKind.NEEDS_DATES


def parse(text: str, period: tuple[date, date]) -> ParsedDeadline:
    return parse_deadline(text, period_start=period[0], period_end=period[1])


def span(start: str, end: str, due: str | None = None) -> Occurrence:
    return Occurrence(date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(due or end))


def month(year: int, number: int) -> Occurrence:
    last = date(year, number, calendar.monthrange(year, number)[1])
    return Occurrence(date(year, number, 1), last, last)


def third_thursdays(first: tuple[int, int], last: tuple[int, int]) -> list[Occurrence]:
    occurrences = []
    year, number = first
    while (year, number) <= last:
        thursdays = [
            week[calendar.THURSDAY] for week in calendar.monthcalendar(year, number) if week[calendar.THURSDAY]
        ]
        due = date(year, number, thursdays[2])
        occurrences.append(Occurrence(date(year, number, 1), due, due))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return occurrences


# --- (a) Every worked example of deadlines.md -------------------------------------------------

WORKED_EXAMPLES = [
    ("Август", A, WINDOW, [month(2022, 8)]),
    ("Август-сентябрь .", A, WINDOW, [span("2022-08-01", "2022-09-30")]),
    ("Июнь", A, WINDOW, [month(2023, 6)]),
    (
        "Сентябрь, ноябрь, март-апрель",
        A,
        WINDOW,
        [month(2022, 9), month(2022, 11), span("2023-03-01", "2023-04-30")],
    ),
    ("В течение учебного года", A, CONTINUOUS, [span("2022-08-01", "2023-07-31")]),
    ("Август-сентябрь, в течение года", A, CONTINUOUS, [span("2022-08-01", "2023-07-31")]),
    ("В соответствии с приказом министерств а образования Саратовской области", A, EXTERNAL, []),
    ("Сентябрь – октябрь 2021 г.", B, WINDOW, [span("2021-09-01", "2021-10-31")]),
    ("Октябрь 2021 г. - июль 2022 г.", B, WINDOW, [span("2021-10-01", "2022-07-31")]),
    (
        "Октябрь, ноябрь 2021 г. и Февраль, март 2022 г.",
        B,
        WINDOW,
        [month(2021, 10), month(2021, 11), month(2022, 2), month(2022, 3)],
    ),
    ("27 мая 2021 г.", B, DATE, [span("2021-05-27", "2021-05-27")]),
    ("2022 г.", B, WINDOW, [span("2022-01-01", "2022-12-31")]),
    ("Март-апрель ежегодно", B, RECURRING, [span("2022-03-01", "2022-04-30")]),
    (
        "Декабрь-январь ежегодно",
        B,
        RECURRING,
        [span("2021-12-01", "2022-01-31"), span("2022-12-01", "2022-12-31")],
    ),
    (
        "Ежеквартально (до 15 числа месяца, следующего за отчетным)",
        B,
        RECURRING,
        [
            # The third quarter of 2021 ends inside B: its window starts with the period.
            span("2021-09-01", "2021-09-30", "2021-10-15"),
            span("2021-10-01", "2021-12-31", "2022-01-15"),
            span("2022-01-01", "2022-03-31", "2022-04-15"),
            span("2022-04-01", "2022-06-30", "2022-07-15"),
            span("2022-07-01", "2022-09-30", "2022-10-15"),
            span("2022-10-01", "2022-12-31", "2023-01-15"),
        ],
    ),
    (
        "Ежемесячно (третий четверг месяца, по предварительной записи)",
        B,
        RECURRING,
        third_thursdays((2021, 9), (2022, 12)),
    ),
    (
        "Сентябрь-декабрь 2021 г., далее - ежегодно",
        B,
        RECURRING,
        [span("2021-09-01", "2021-12-31"), span("2022-09-01", "2022-12-31")],
    ),
    ("По мере необходимости", B, ON_DEMAND, []),
    (
        "ежегодно по итогам отчетного периода (до 01 марта года, следующего за отчетным) 2020-2022 гг.",
        C,
        RECURRING,
        [
            span("2020-01-01", "2020-12-31", "2021-03-01"),
            span("2021-01-01", "2021-12-31", "2022-03-01"),
            span("2022-01-01", "2022-12-31", "2023-03-01"),
        ],
    ),
    (
        "1 раз в 3 года для каждой образовательной организации",
        C,
        RECURRING,
        [span("2020-01-01", "2022-12-31")],
    ),
    (
        "ежегодно, октябрь-ноябрь",
        C,
        RECURRING,
        [span("2020-10-01", "2020-11-30"), span("2021-10-01", "2021-11-30"), span("2022-10-01", "2022-11-30")],
    ),
    ("Июль 2019-01-27", A, NEEDS_DATES, []),
    ("Июль 2019-01-27", B, NEEDS_DATES, []),
    ("Июль 2019-01-27", C, NEEDS_DATES, []),
]


@pytest.mark.parametrize(("text", "period", "kind", "occurrences"), WORKED_EXAMPLES)
def test_worked_example(text, period, kind, occurrences):
    parsed = parse(text, period)
    assert parsed.kind == kind
    assert list(parsed.occurrences) == occurrences
    assert parsed.text == text


def test_monthly_example_is_due_on_the_third_thursday_from_september_2021_to_december_2022():
    parsed = parse("Ежемесячно (третий четверг месяца, по предварительной записи)", B)
    dues = parsed.due_dates
    assert len(dues) == 16
    assert dues[:2] == (date(2021, 9, 16), date(2021, 10, 21))
    assert dues[-1] == date(2022, 12, 15)
    assert parsed.recurrence == {"freq": "monthly", "due_rule": "third thursday"}
    assert parsed.remark == "по предварительной записи"


@pytest.mark.parametrize(
    ("text", "period", "recurrence"),
    [
        ("Март-апрель ежегодно", B, {"freq": "yearly"}),
        ("Декабрь-январь ежегодно", B, {"freq": "yearly"}),
        (
            "Ежеквартально (до 15 числа месяца, следующего за отчетным)",
            B,
            {"freq": "quarterly", "due_rule": "15th of the month after the quarter"},
        ),
        ("Сентябрь-декабрь 2021 г., далее - ежегодно", B, {"freq": "yearly"}),
        (
            "ежегодно по итогам отчетного периода (до 01 марта года, следующего за отчетным) 2020-2022 гг.",
            C,
            {"freq": "yearly", "due_rule": "1 March of the year after the reported year"},
        ),
        (
            "1 раз в 3 года для каждой образовательной организации",
            C,
            {"freq": "every_n_years", "n": 3, "per_organization": True},
        ),
        ("ежегодно, октябрь-ноябрь", C, {"freq": "yearly"}),
    ],
)
def test_worked_example_recurrence(text, period, recurrence):
    assert parse(text, period).recurrence == recurrence


def test_external_keeps_the_reference_as_remark():
    parsed = parse("В соответствии с приказом министерств а образования Саратовской области", A)
    assert parsed.remark == "В соответствии с приказом министерства образования Саратовской области"
    assert parsed.recurrence is None


def test_date_before_the_period_is_kept_and_said_so():
    parsed = parse("27 мая 2021 г.", B)
    assert parsed.occurs_before_period
    assert parsed.summary() == "до 27.05.2021 (до начала периода)"


def test_report_due_after_the_period_is_kept_and_said_so():
    parsed = parse("ежегодно по итогам отчетного периода (до 01 марта года, следующего за отчетным) 2020-2022 гг.", C)
    assert parsed.due_after_period
    assert parsed.summary().endswith("за 2022 г. — до 01.03.2023 (сдача после окончания периода)")


# --- Rules of "How words resolve" beyond the worked examples -----------------------------------


def test_month_without_year_in_a_period_longer_than_twelve_months_needs_dates():
    parsed = parse("Июнь", B)
    assert parsed.kind == NEEDS_DATES
    assert "12 месяцев" in parsed.remark


def test_month_range_that_occurs_twice_in_the_period_needs_dates():
    assert parse("Июль-август", A).kind == NEEDS_DATES


def test_yearly_alone_covers_each_year_of_the_period():
    assert list(parse("Ежегодно", A).occurrences) == [span("2022-08-01", "2023-07-31")]
    assert list(parse("ежегодно", B).occurrences) == [
        span("2021-09-01", "2021-12-31"),
        span("2022-01-01", "2022-12-31"),
    ]


def test_holiday_windows_are_a_setting_of_the_municipality():
    winter_and_summer = (((12, 30), (1, 8)), ((6, 1), (8, 31)))
    parsed = parse_deadline(
        "Каникулярный период", period_start=A[0], period_end=A[1], holiday_windows=winter_and_summer
    )
    assert list(parsed.occurrences) == [
        span("2022-08-01", "2022-08-31"),
        span("2022-12-30", "2023-01-08"),
        span("2023-06-01", "2023-07-31"),
    ]


def test_window_with_throughout_the_year_starts_at_the_window():
    parsed = parse("Октябрь - ноябрь 2021 г., в течение года", B)
    assert (parsed.kind, list(parsed.occurrences)) == (CONTINUOUS, [span("2021-10-01", "2022-12-31")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Постоянно", [span("2022-08-01", "2023-07-31")]),
        ("Сентябрь 2022, постоянно", [span("2022-09-01", "2023-07-31")]),
        ("В течение сентября", [month(2022, 9)]),
        ("весь период реализации программы", [span("2022-08-01", "2023-07-31")]),
    ],
)
def test_continuous_phrases(text, expected):
    parsed = parse(text, A)
    assert (parsed.kind, list(parsed.occurrences)) == (CONTINUOUS, expected)


def test_quarters_halves_and_seasons():
    assert list(parse("II квартал 2023 г.", A).occurrences) == [span("2023-04-01", "2023-06-30")]
    assert list(parse("1 полугодие 2023", A).occurrences) == [span("2023-01-01", "2023-06-30")]
    assert list(parse("лето 2022", B).occurrences) == [span("2022-06-01", "2022-08-31")]


@pytest.mark.parametrize(
    ("text", "period", "expected"),
    [
        ("до 15 декабря", A, [span("2022-12-15", "2022-12-15")]),
        ("не позднее апреля", A, [span("2023-04-30", "2023-04-30")]),
        ("с 1 сентября по 15 октября", A, [span("2022-09-01", "2022-10-15")]),
        ("к 1.09", A, [span("2022-09-01", "2022-09-01")]),
        ("15.09.22", A, [span("2022-09-15", "2022-09-15")]),
        ("10.2022", A, [month(2022, 10)]),
    ],
)
def test_exact_days(text, period, expected):
    assert list(parse(text, period).occurrences) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Сентябрь или октябрь",
        "до конца года",
        "до 2023 года",
        "в течение месяца",
        "с сентября",
        "Еженедельно",
        "31.02.2023",
        "Май 2023 - март 2023",
        "Сентябрь - октябрь - ноябрь",
        "по мере необходимости, ежегодно",
        "ежеквартально до 15 числа",
        "Сентябрь 2022 12",
        "К выполнению",
    ],
)
def test_what_is_not_understood_needs_dates_with_a_reason(text):
    parsed = parse(text, A)
    assert parsed.kind == NEEDS_DATES
    assert parsed.occurrences == ()
    assert parsed.remark
    assert parsed.remark != INTERNAL_ERROR_REMARK


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 10_000, "Сентябрь " * 200])
def test_empty_and_huge_texts_need_dates(text):
    parsed = parse(text, A)
    assert parsed.kind == NEEDS_DATES
    assert parsed.text == text
    assert parsed.remark


def test_reversed_period_needs_dates():
    assert parse_deadline("Сентябрь", period_start=A[1], period_end=A[0]).kind == NEEDS_DATES


def test_reference_dates_are_not_taken_for_deadlines():
    parsed = parse("В соответствии с приказом от 12.03.2021 № 45", B)
    assert (parsed.kind, parsed.remark) == (EXTERNAL, "В соответствии с приказом от 12.03.2021 № 45")


# --- (b) Every line of the corpus -------------------------------------------------------------

# text → (period it most plausibly belongs to, expected kind). Written line by line after
# reading each: the period is that of the first seed holding the line (000 → A, 002 → B,
# 001 → C, 003 → D); the two lines found in no seed carry 2021 (→ B) and "к 1.09" of seed 004
# is read against the academic year A.
CORPUS = {
    "Август": ("A", WINDOW),
    "Август-сентябрь": ("A", WINDOW),
    "В соответствии с графиком проведения процедур ОКПО": ("A", EXTERNAL),
    "В соответствии с приказом министерства образования Саратовской области": ("A", EXTERNAL),
    "По окончании заключительного этапа ОКПО (получение результатов) и на основании данных регионального мониторинга": (
        "A",
        EXTERNAL,
    ),
    "Август - сентябрь": ("A", WINDOW),
    "В течение года": ("A", CONTINUOUS),
    "Июнь": ("A", WINDOW),
    "Июнь-июль": ("A", WINDOW),
    "По графику проведения процедур ОКПО": ("A", EXTERNAL),
    "В течение учебного года": ("A", CONTINUOUS),
    "В соответствии с приказом министерств а образования Саратовской области": ("A", EXTERNAL),
    "Ноябрь": ("A", WINDOW),
    "Ноябрь, март-апрель": ("A", WINDOW),
    "Май": ("A", WINDOW),
    "Август-сентябрь .": ("A", WINDOW),
    "Сентябрь": ("A", WINDOW),
    "В течение учебного года с учетом плана министерства образования области": ("A", CONTINUOUS),
    "Сентябрь, ноябрь": ("A", WINDOW),
    "Сентябрь, ноябрь, март-апрель": ("A", WINDOW),
    "Август-сентябрь, в течение учебного года": ("A", CONTINUOUS),
    "сентябрь": ("A", WINDOW),
    # The cell was split by a page break ("В течение" / "года"): what is left says no period.
    "В течение": ("A", NEEDS_DATES),
    "В соответствии и с приказом министерства образования Саратовской области": ("A", EXTERNAL),
    # Split the same way ("Август-" / "сентябрь"): a range without its end.
    "Август-": ("A", NEEDS_DATES),
    "Август-сентябрь, в течение года": ("A", CONTINUOUS),
    "Август-сентябрь ежегодно": ("B", RECURRING),
    "Март-апрель ежегодно": ("B", RECURRING),
    "Февраль ежегодно": ("B", RECURRING),
    "Июль ежегодно": ("B", RECURRING),
    "Ноябрь-декабрь ежегодно": ("B", RECURRING),
    "В соответствии с графиком проведения НИКО": ("B", EXTERNAL),
    "Август-октябрь ежегодно": ("B", RECURRING),
    "В соответствии с планом-графиком курсовой подготовки": ("B", EXTERNAL),
    "Декабрь-январь ежегодно": ("B", RECURRING),
    "В соответствии с планом-графиком курсовой подготовки ГБОУ ДПО НИРО": ("B", EXTERNAL),
    "Февраль 2022": ("B", WINDOW),
    "Ноябрь 2022": ("B", WINDOW),
    "В течение 2021-2022 гг.": ("B", CONTINUOUS),
    "Март 2022 г.": ("B", WINDOW),
    "Август ежегодно": ("B", RECURRING),
    "В соответствии с графиком": ("A", EXTERNAL),
    "Сентябрь - октябрь 2021 г.": ("B", WINDOW),
    "Сентябрь – октябрь ежегодно": ("B", RECURRING),
    "Январь 2022 г.": ("B", WINDOW),
    "Сентябрь – ноябрь 2022 г.": ("B", WINDOW),
    "Сентябрь – октябрь 2021 г.": ("B", WINDOW),
    "Сентябрь – октябрь 2022 г.": ("B", WINDOW),
    "Сентябрь – ноябрь 2021 г.": ("B", WINDOW),
    "Январь – декабрь 2022 г.": ("B", WINDOW),
    "Январь – апрель 2022 г.": ("B", WINDOW),
    "Февраль – декабрь 2022 г.": ("B", WINDOW),
    "Апрель – декабрь 2022 г.": ("B", WINDOW),
    "Ноябрь - декабрь 2022 г.": ("B", WINDOW),
    "Август-сентябрь 2022 г.": ("B", WINDOW),
    "В течение всего периода": ("B", CONTINUOUS),
    "Октябрь - ноябрь 2022 г.": ("B", WINDOW),
    "июнь – декабрь 2022 г.": ("B", WINDOW),
    "Июнь – декабрь 2022 г.": ("B", WINDOW),
    "Ноябрь-декабрь 2022 г.": ("B", WINDOW),
    "Ноябрь 2022 г.": ("B", WINDOW),
    "Январь-декабрь 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г.": ("B", WINDOW),
    "Ежемесячно (третий четверг месяца, по предварительной записи)": ("B", RECURRING),
    "В соответствии с графиками проведения мероприятий": ("B", EXTERNAL),
    "Август – сентябрь 2021г.": ("B", WINDOW),
    "Март - декабрь 2022 г.": ("B", WINDOW),
    "Ежеквартально (до 15 числа месяца, следующего за отчетным)": ("B", RECURRING),
    "Сентябрь 2021": ("B", WINDOW),
    "Сентябрь-декабрь 2021 г., далее - ежегодно": ("B", RECURRING),
    "Ежегодно, август": ("B", RECURRING),
    "Декабрь 2022 г.": ("B", WINDOW),
    "2022 г.": ("B", WINDOW),
    "В соответствии с учебными планами ОО": ("B", EXTERNAL),
    # Split by a page break too, but every ending ("периода", "года") means the whole period.
    "В течение всего": ("B", CONTINUOUS),
    "Август 2021 г.": ("B", WINDOW),
    "Октябрь - ноябрь 2021г. и далее ежегодно": ("B", RECURRING),
    "По отдельному графику": ("B", EXTERNAL),
    "в соответствии со сроками проведения мероприятий": ("B", EXTERNAL),
    "Ежегодно": ("A", RECURRING),
    "Сентябрь 2021 г.": ("B", WINDOW),
    "2021 г., далее - ежегодно": ("B", RECURRING),
    "ежегодно": ("B", RECURRING),
    "весь период": ("B", CONTINUOUS),
    "Март - апрель 2022 г.": ("B", WINDOW),
    "Декабрь 2021г.": ("B", WINDOW),
    "май 2022 г.": ("B", WINDOW),
    "Ежеквартально": ("B", RECURRING),
    "Ноябрь 2021 г.": ("B", WINDOW),
    "Декабрь 2021 г.": ("B", WINDOW),
    # Yearly; the schedule that fixes the day inside the year is kept as remark.
    "Ежегодно в соответствии с планом-графиком курсовой подготовки НИРО": ("B", RECURRING),
    "Февраль 2022 г.": ("B", WINDOW),
    "Август 2022 г.": ("B", WINDOW),
    "ноябрь 2022 г.": ("B", WINDOW),
    "Октябрь – ноябрь 2021 г.": ("B", WINDOW),
    "Ежегодно (постоянно)": ("B", RECURRING),
    "Сентябрь 2021 – декабрь 2021 г.": ("B", WINDOW),
    "В течение всего периода реализации дорожной карты": ("B", CONTINUOUS),
    "Ежегодно (по отдельному графику)": ("B", RECURRING),
    "Январь – февраль 2022 г.": ("B", WINDOW),
    "Январь – март 2022 .": ("B", WINDOW),
    "Ноябрь 2021 г. – февраль 2022 г.": ("B", WINDOW),
    "Январь – март 2022 г.": ("B", WINDOW),
    "ежеквартально": ("B", RECURRING),
    "Март – декабрь 2022 г.": ("B", WINDOW),
    "Октябрь – декабрь 2021 г.": ("B", WINDOW),
    "В течение всего периода действия дорожной карты": ("B", CONTINUOUS),
    "Май - сентябрь 2021 г.": ("B", WINDOW),
    "Октябрь 2021 г. - июль 2022 г.": ("B", WINDOW),
    "Ноябрь 2021 г.- май 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г.- апрель 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г. - апрель 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г. - март 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г. – март 2022 г.": ("B", WINDOW),
    "Декабрь 2021 г. – апрель 2022 г.": ("B", WINDOW),
    "Сентябрь 2021 г. - август 2022 г.": ("B", WINDOW),
    "Май - август 2022 г.": ("B", WINDOW),
    "Май 2022 г.": ("B", WINDOW),
    "Январь - май 2022 г.": ("B", WINDOW),
    "Октябрь, ноябрь 2021 г. и Февраль, март 2022 г.": ("B", WINDOW),
    "Ноябрь 2021, далее ежегодно": ("B", RECURRING),
    "Июнь - август 2022 г.": ("B", WINDOW),
    "Декабрь 2021 г., далее ежегодно": ("B", RECURRING),
    "Каникулярный период": ("B", WINDOW),
    "По отдельному плану": ("B", EXTERNAL),
    "Июнь 2022 г.": ("B", WINDOW),
    "Октябрь - декабрь 2021 г., далее ежегодно": ("B", RECURRING),
    "Октябрь 2021 г., Март 2022 г.": ("B", WINDOW),
    "Октябрь 2021 г. и далее ежегодно": ("B", RECURRING),
    "Сентябрь 2021 г. - май 2022 г.": ("B", WINDOW),
    "Сентябрь – декабрь 2021 г.": ("B", WINDOW),
    "Декабрь 2021 г., далее - ежегодно": ("B", RECURRING),
    "Май 2021 г.": ("B", WINDOW),
    "2021 г.": ("B", WINDOW),
    "По мере необходимости": ("B", ON_DEMAND),
    "Ежегодно (сентябрь)": ("B", RECURRING),
    "Октябрь 2021": ("B", WINDOW),
    "Сентябрь 2021-май 2022": ("B", WINDOW),
    "Весь период": ("B", CONTINUOUS),
    "Октябрь 2021 - июнь 2022": ("B", WINDOW),
    "Март-декабрь 2022 г.": ("B", WINDOW),
    "27 мая 2021 г.": ("B", DATE),
    # A column header ("Срок исполнения (месяц.год)") glued to the value by the conversion.
    "Список исполнения (месяц.год) сентябрь 2020 г.": ("C", WINDOW),
    "сентябрь 2020 г.;": ("C", WINDOW),
    "пополнение: ежегодно": ("C", RECURRING),
    "сентябрь ежегодно": ("B", RECURRING),
    "ежегодно, в соответствии с Планом- графиком": ("C", RECURRING),
    "ежегодно, в соответствии с графиком проведения ВПР": ("C", RECURRING),
    "1 раз в 3 года для каждой образовательной организации": ("C", RECURRING),
    "ежегодно по итогам отчетного периода (до 01 марта года, следующего за отчетным) 2020-2022 гг.": ("C", RECURRING),
    "июнь 2020": ("C", WINDOW),
    "до 1 августа 2020 г.": ("C", DATE),
    "сентябрь 2020 г., апрель 2021 г., ежегодно": ("C", RECURRING),
    "октябрь 2020 г., ежегодно": ("C", RECURRING),
    "октябрь-декабрь 2020 г., ежегодно": ("C", RECURRING),
    "октябрь 2020 г., обновление": ("C", WINDOW),
    "октябрь - декабрь 2020 г., ежегодно": ("C", RECURRING),
    "октябрь -декабрь 2020 г. ежегодно": ("C", RECURRING),
    "декабрь 2020 г. обновление": ("C", WINDOW),
    "январь 2021г.-июнь 2022 г.": ("C", WINDOW),
    "август 2021 г., ежегодно": ("C", RECURRING),
    "октябрь 2021 г.": ("B", WINDOW),
    "ежегодно, февраль": ("C", RECURRING),
    "2020 г.": ("C", WINDOW),
    "ежегодно, декабрь": ("C", RECURRING),
    "ежегодно, с 1 квартала 2021 г.": ("C", RECURRING),
    "ежегодно, 1 квартал": ("C", RECURRING),
    "в течение всего периода": ("C", CONTINUOUS),
    "ежегодно по итогам отчетного периода(до 01 марта года, следующего за отчетным) 20202022 гг.": ("C", RECURRING),
    "июль 2020 г.": ("C", WINDOW),
    "ежегодно, октябрь-ноябрь": ("C", RECURRING),
    "декабрь 2020 г.": ("C", WINDOW),
    "ежегодно до 15декабря": ("C", RECURRING),
    "сентябрь-декабрь 2020 г.": ("C", WINDOW),
    "ежегодно, 2020-2022 гг.": ("C", RECURRING),
    "октябрь, 2020": ("C", WINDOW),
    "ежегодно, по итогам учебного года(до 01 июля)": ("C", RECURRING),
    "1 квартал 2019 г.": ("D", WINDOW),
    "1-2 квартал 2019": ("D", WINDOW),
    "лето 2019": ("D", WINDOW),
    "Май - Сентябрь 2019": ("D", WINDOW),
    "декабрь 2018 – февраль 2019": ("D", WINDOW),
    # A month followed by a whole ISO date: two contradicting deadlines.
    "Июль 2019-01-27": ("D", NEEDS_DATES),
    "не позднее 10.09.2021": ("B", DATE),
    # "не позднее" a week: the window of 13–20 September, due on its last day.
    "не позднее 13.09.2021 - 20.09.2021": ("B", WINDOW),
    # "by April": due on the first of April, before period B.
    "к апрелю 2021 г": ("B", DATE),
    "к 1.09": ("A", DATE),
}


def corpus_lines() -> list[str]:
    return CORPUS_PATH.read_text(encoding="utf-8").splitlines()


def test_the_corpus_has_187_distinct_lines_and_each_has_an_expectation():
    lines = corpus_lines()
    assert len(lines) == 187
    assert len(set(lines)) == 187
    assert set(lines) == set(CORPUS)


@pytest.mark.parametrize("text", list(CORPUS))
def test_corpus_line(text):
    period_name, expected_kind = CORPUS[text]
    parsed = parse(text, PERIODS[period_name])
    assert parsed.kind in set(DeadlineKind)
    assert parsed.kind == expected_kind
    assert parsed.text == text
    assert parsed.remark != INTERNAL_ERROR_REMARK
    if parsed.kind in UNDATED_KINDS:
        assert parsed.occurrences == ()
        assert parsed.recurrence is None
    else:
        assert len(parsed.occurrences) >= 1
        for occurrence in parsed.occurrences:
            assert occurrence.start <= occurrence.end
            assert occurrence.due >= occurrence.start
        assert list(parsed.occurrences) == sorted(parsed.occurrences, key=lambda o: (o.start, o.end, o.due))
    if parsed.kind == NEEDS_DATES:
        assert parsed.remark, "needs_dates must say why"
    if parsed.kind == EXTERNAL:
        assert parsed.remark, "external must keep its reference"
    assert (parsed.recurrence is not None) == (parsed.kind == RECURRING)


CORPUS_DETAILS = [
    ("Ежегодно, август", B, [month(2022, 8)]),
    ("Август-октябрь ежегодно", B, [span("2021-09-01", "2021-10-31"), span("2022-08-01", "2022-10-31")]),
    ("В течение 2021-2022 гг.", B, [span("2021-09-01", "2022-12-31")]),
    ("2021 г., далее - ежегодно", B, [span("2021-09-01", "2021-12-31"), span("2022-01-01", "2022-12-31")]),
    ("Каникулярный период", B, [span("2022-06-01", "2022-08-31")]),
    ("Ежегодно (сентябрь)", B, [month(2021, 9), month(2022, 9)]),
    (
        "сентябрь 2020 г., апрель 2021 г., ежегодно",
        C,
        [month(2020, 9), month(2021, 4), month(2021, 9), month(2022, 4), month(2022, 9)],
    ),
    ("ежегодно, с 1 квартала 2021 г.", C, [span("2021-01-01", "2021-12-31"), span("2022-01-01", "2022-12-31")]),
    (
        "ежегодно, 1 квартал",
        C,
        [span("2020-01-01", "2020-03-31"), span("2021-01-01", "2021-03-31"), span("2022-01-01", "2022-03-31")],
    ),
    (
        "ежегодно до 15декабря",
        C,
        [span("2020-01-01", "2020-12-15"), span("2020-12-16", "2021-12-15"), span("2021-12-16", "2022-12-15")],
    ),
    (
        "ежегодно, по итогам учебного года(до 01 июля)",
        C,
        [span("2020-01-01", "2020-07-01"), span("2020-07-02", "2021-07-01"), span("2021-07-02", "2022-07-01")],
    ),
    ("ежегодно, 2020-2022 гг.", C, [span(f"{y}-01-01", f"{y}-12-31") for y in (2020, 2021, 2022)]),
    ("до 1 августа 2020 г.", C, [span("2020-08-01", "2020-08-01")]),
    ("Список исполнения (месяц.год) сентябрь 2020 г.", C, [month(2020, 9)]),
    ("октябрь, 2020", C, [month(2020, 10)]),
    ("январь 2021г.-июнь 2022 г.", C, [span("2021-01-01", "2022-06-30")]),
    ("1 квартал 2019 г.", D, [span("2019-01-01", "2019-03-31")]),
    ("1-2 квартал 2019", D, [span("2019-01-01", "2019-06-30")]),
    ("лето 2019", D, [span("2019-06-01", "2019-08-31")]),
    ("декабрь 2018 – февраль 2019", D, [span("2018-12-01", "2019-02-28")]),
    ("не позднее 10.09.2021", B, [span("2021-09-10", "2021-09-10")]),
    ("не позднее 13.09.2021 - 20.09.2021", B, [span("2021-09-13", "2021-09-20")]),
    ("к апрелю 2021 г", B, [span("2021-04-01", "2021-04-01")]),
    ("к 1.09", A, [span("2022-09-01", "2022-09-01")]),
    (
        "Ежеквартально",
        B,
        [
            span("2021-09-01", "2021-09-30"),
            span("2021-10-01", "2021-12-31"),
            span("2022-01-01", "2022-03-31"),
            span("2022-04-01", "2022-06-30"),
            span("2022-07-01", "2022-09-30"),
            span("2022-10-01", "2022-12-31"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "period", "occurrences"), CORPUS_DETAILS)
def test_corpus_line_occurrences(text, period, occurrences):
    assert list(parse(text, period).occurrences) == occurrences


@pytest.mark.parametrize(
    ("text", "period", "remark"),
    [
        ("Ежегодно (по отдельному графику)", B, "по отдельному графику"),
        ("Ежегодно (постоянно)", B, "постоянно"),
        ("пополнение: ежегодно", C, "пополнение"),
        ("октябрь 2020 г., обновление", C, "обновление"),
        ("ежегодно, в соответствии с Планом- графиком", C, "в соответствии с Планом-графиком"),
        (
            "В течение учебного года с учетом плана министерства образования области",
            A,
            "с учетом плана министерства образования области",
        ),
        ("Список исполнения (месяц.год) сентябрь 2020 г.", C, ""),
        ("Сентябрь-декабрь 2021 г., далее - ежегодно", B, ""),
        ("Август-сентябрь .", A, ""),
    ],
)
def test_remark_keeps_what_the_text_says_besides_the_dates(text, period, remark):
    assert parse(text, period).remark == remark


# --- (c) Typos, spacing, dashes and case do not change the result ------------------------------


def essence(parsed: ParsedDeadline) -> tuple:
    return parsed.kind, parsed.occurrences, json.dumps(parsed.recurrence, sort_keys=True), parsed.remark.casefold()


VARIANTS = [
    (
        A,
        [
            "В соответствии с приказом министерства образования Саратовской области",
            "В соответствии с приказом министерств а образования Саратовской области",
            "В соответствии и с приказом министерства образования Саратовской области",
            "в  соответствии с приказом МИНИСТЕРСТВА образования  Саратовской области",
        ],
    ),
    (
        A,
        [
            "Август-сентябрь",
            "Август-сентябрь .",
            "Август - сентябрь",
            "Август – сентябрь",
            "август—сентябрь",
            "АВГУСТ -СЕНТЯБРЬ",
        ],
    ),
    (
        B,
        [
            "Сентябрь – октябрь 2021 г.",
            "Сентябрь-октябрь 2021г",
            "сентябрь — октябрь 2021 г",
            "СЕНТЯБРЬ - ОКТЯБРЬ 2021 Г.",
            "  Сентябрь  –октябрь   2021  г. ",
            "Cентябрь - октябрь 2021 г.",  # a Latin "C"
            "Сентябрь\u00a0–\u00a0октябрь 2021\u00a0г.",
        ],
    ),
    (
        B,
        [
            "Октябрь 2021 г. - июль 2022 г.",
            "Октябрь 2021г.-июль 2022г.",
            "октябрь 2021 – июль 2022",
            "Октябрь 2021 гг. — Июль 2022 гг.",
        ],
    ),
    (
        C,
        [
            "ежегодно по итогам отчетного периода (до 01 марта года, следующего за отчетным) 2020-2022 гг.",
            "ежегодно по итогам отчетного периода(до 01 марта года, следующего за отчетным) 20202022 гг.",
            "Ежегодно по итогам отчётного периода (до 01 марта года, следующего за отчётным) 2020 – 2022 г.",
        ],
    ),
    (C, ["ежегодно до 15 декабря", "ежегодно до 15декабря", "Ежегодно до 15 Декабря"]),
    (
        C,
        [
            "октябрь - декабрь 2020 г., ежегодно",
            "октябрь -декабрь 2020 г. ежегодно",
            "октябрь-декабрь 2020 г., ежегодно",
        ],
    ),
    (B, ["не позднее 10.09.2021", "Не позднее 10.09.2021 г.", "не  позднее 10.09.2021г"]),
    (A, ["к 1.09", "к 01.09", "К 1.09."]),
    (B, ["Ежеквартально", "ежеквартально", "ЕЖЕКВАРТАЛЬНО"]),
    (A, ["В течение учебного года", "в течение учебного года", "В течении учебного года"]),
]


@pytest.mark.parametrize(("period", "texts"), VARIANTS)
def test_variants_give_the_same_result(period, texts):
    results = {essence(parse(text, period)) for text in texts}
    assert len(results) == 1, results
    assert next(iter(results))[0] != NEEDS_DATES


# --- (d) Summaries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period", "summary"),
    [
        ("Сентябрь, ноябрь, март-апрель", A, "3 срока: сентябрь 2022; ноябрь 2022; март–апрель 2023"),
        ("Август", A, "август 2022"),
        ("В течение учебного года", A, "весь период: 01.08.2022–31.07.2023"),
        ("27 мая 2021 г.", B, "до 27.05.2021 (до начала периода)"),
        ("Май 2021 г.", B, "май 2021 (до начала периода)"),
        ("Октябрь 2021 г. - июль 2022 г.", B, "октябрь 2021 – июль 2022"),
        ("2022 г.", B, "2022 г."),
        ("Декабрь-январь ежегодно", B, "ежегодно, 2 срока: декабрь 2021 – январь 2022; декабрь 2022"),
        ("Март-апрель ежегодно", B, "ежегодно: март–апрель 2022"),
        (
            "Ежемесячно (третий четверг месяца, по предварительной записи)",
            B,
            "ежемесячно, 16 сроков: 16.09.2021; 21.10.2021; 18.11.2021; …; 15.12.2022; по предварительной записи",
        ),
        (
            "1 раз в 3 года для каждой образовательной организации",
            C,
            "раз в 3 года для каждой организации: 2020–2022 гг.",
        ),
        (
            "В соответствии с графиком проведения процедур ОКПО",
            A,
            "по внешнему графику: В соответствии с графиком проведения процедур ОКПО",
        ),
        ("По мере необходимости", B, "по мере необходимости"),
        ("октябрь 2020 г., обновление", C, "октябрь 2020; обновление"),
    ],
)
def test_summary(text, period, summary):
    assert parse(text, period).summary() == summary


def test_summary_of_needs_dates_says_so():
    assert parse("Июль 2019-01-27", A).summary().startswith("нужны даты: ")
    assert parse("", A).summary() == "нужны даты: срок не указан"


def test_summary_uses_a_period_given_after_loading_from_json():
    loaded = ParsedDeadline.from_json(parse("27 мая 2021 г.", B).to_json())
    assert loaded.summary() == "до 27.05.2021"
    assert loaded.summary(period_start=B[0], period_end=B[1]) == "до 27.05.2021 (до начала периода)"


# --- (e) JSON round trip ----------------------------------------------------------------------


@pytest.mark.parametrize("text", list(CORPUS))
def test_json_round_trip(text):
    parsed = parse(text, PERIODS[CORPUS[text][0]])
    data = json.loads(json.dumps(parsed.to_json(), ensure_ascii=False))
    assert set(data) == {"text", "kind", "occurrences", "recurrence", "remark"}
    assert ParsedDeadline.from_json(data) == parsed
    assert ParsedDeadline.from_json(data).to_json() == parsed.to_json()


def test_to_json_shape():
    data = parse("Ежеквартально (до 15 числа месяца, следующего за отчетным)", B).to_json()
    assert data["kind"] == "recurring"
    assert data["occurrences"][0] == {"start": "2021-09-01", "end": "2021-09-30", "due": "2021-10-15"}
    assert data["recurrence"] == {"freq": "quarterly", "due_rule": "15th of the month after the quarter"}
    assert data["remark"] == ""


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "sometimes"},
        {"kind": "window", "occurrences": [{"start": "2022-09-30", "end": "2022-09-01", "due": "2022-09-30"}]},
        {"kind": "window", "occurrences": [{"start": "2022-09-01"}]},
        {"kind": "recurring", "recurrence": ["yearly"]},
    ],
)
def test_from_json_rejects_malformed_data(data):
    with pytest.raises(ValueError, match="Некорректная структура срока"):
        ParsedDeadline.from_json(data)


# --- The management command -------------------------------------------------------------------


def test_parse_deadline_command_prints_one_json_object():
    from django.core.management import call_command

    from roadmaps.management.commands.parse_deadline import Command

    out = StringIO()
    call_command(Command(), "Сентябрь, ноябрь, март-апрель", period="2022-08-01:2023-07-31", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data == parse("Сентябрь, ноябрь, март-апрель", A).to_json()
    assert "Сентябрь" in lines[0]  # ensure_ascii=False


@pytest.mark.parametrize("value", ["2022-08-01", "2022-08-01:2023-13-01", "вчера:завтра", "2023-07-31:2022-08-01", ""])
def test_parse_deadline_command_rejects_a_malformed_period(value):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from roadmaps.management.commands.parse_deadline import Command

    with pytest.raises(CommandError, match="--period") as error:
        call_command(Command(), "Август", period=value, stdout=StringIO())
    assert f"«{value}»" in str(error.value)
