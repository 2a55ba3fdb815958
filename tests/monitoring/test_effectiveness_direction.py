"""The «анализ эффективности принятых мер» compares the direction's indicators too (issue 21 part
7): the municipality's own values this year against last year, each better or worse by the
indicator's side, with the conclusion — on the page and in the document, against plain counts."""

import pytest
from django.urls import reverse

from monitoring.analysis.selectors import EFFECTIVE_SHARE, direction_change
from monitoring.models import IndicatorDefinition, IndicatorValue, ZoningMethod, ZoningRule
from reports.pdf import effectiveness_html

pytestmark = pytest.mark.django_db

#: (code, better, subject, grade) → {year: value} of the municipality as a whole.
VALUES = {
    ("t_two", "lower", "Математика", 5): {2024: 10.0, 2025: 8.0},
    ("t_two", "lower", "Русский язык", 5): {2024: 5.0, 2025: 7.5},
    ("t_quality", "higher", "", None): {2024: 50.0, 2025: 60.0},
    ("t_events", "higher", "Математика", None): {2024: 3.0, 2025: 3.0},
    ("t_events", "higher", "Физика", None): {2025: 2.0},  # nothing last year
    ("t_count", "none", "", None): {2024: 1.0, 2025: 4.0},  # not rated
}


@pytest.fixture
def direction(municipality, school_a):
    indicators = {}
    for code, better, _subject, _grade in VALUES:
        indicators[code] = indicators.get(code) or IndicatorDefinition.objects.create(
            code=code, name=f"Показатель {code}", direction_code="9.9", unit="%", better=better, level="school",
            order=len(indicators),
        )  # fmt: skip
    for (code, _better, subject, grade), by_year in VALUES.items():
        for year, value in by_year.items():
            common = {"indicator": indicators[code], "year": year, "municipality": municipality, "subject": subject}
            IndicatorValue.objects.create(**common, grade=grade, value=value)
            # a school's and a class's values, and one of two years ago, are not the municipality's now
            IndicatorValue.objects.create(**common, grade=grade, organization=school_a, value=value + 40, denominator=9)
            IndicatorValue.objects.create(**common, grade=grade, organization=school_a, class_name="5А", value=99.0)
            IndicatorValue.objects.create(**(common | {"year": 2023}), grade=grade, value=123.0)
    other = IndicatorDefinition.objects.create(code="t_other", name="Другой", direction_code="8.8", better="higher")
    IndicatorValue.objects.create(indicator=other, year=2025, municipality=municipality, value=1.0)
    return indicators


def plain_changes():
    changes = []
    for (_code, better, _subject, _grade), by_year in VALUES.items():
        before, after = by_year.get(2024), by_year.get(2025)
        if better == "none":
            changes.append(None)
        elif before is None or after is None:
            changes.append("missing")
        elif before == after:
            changes.append("без изменений")
        elif (after < before) == (better == "lower"):
            changes.append("лучше")
        else:
            changes.append("хуже")
    return changes


def test_the_municipality_values_this_year_against_last(municipality, direction):
    change = direction_change(municipality, ["9.9"])
    assert change.year == 2025 and len(change.rows) == len(VALUES)
    expected = plain_changes()
    got = {(row["indicator"].code, row["subject"], row["grade"]): row for row in change.rows}
    for (key, by_year), plain in zip(VALUES.items(), expected, strict=True):
        row = got[(key[0], key[2], key[3])]
        assert (row["before"], row["after"]) == (by_year.get(2024), by_year.get(2025))
        assert row["change"] == (None if plain in (None, "missing") else plain)
    verdict = change.verdict
    rated = [c for c in expected if c is not None]
    better, compared = rated.count("лучше"), len([c for c in rated if c != "missing"])
    assert (verdict.better, verdict.worse, verdict.same, verdict.missing) == (
        better, rated.count("хуже"), rated.count("без изменений"), rated.count("missing"),
    )  # fmt: skip
    word = "эффективны" if better / compared >= EFFECTIVE_SHARE else "требуют корректировки"
    assert verdict.text == f"меры {word}: улучшение в {better} из {compared} сравнений"
    earlier = direction_change(municipality, ["9.9"], year=2024)  # 2024 against 2023
    assert [(row["before"], row["after"]) for row in earlier.rows] == [(123.0, v.get(2024)) for v in VALUES.values()]
    assert direction_change(municipality, ["7.7"]).year is None


def test_the_page_and_the_document_show_the_same_table(client_for, methodist, municipality, direction):
    change = direction_change(municipality, ["9.9"])
    page = client_for(methodist).get(reverse("monitoring:effectiveness") + "?direction=9.9").content.decode()
    assert f"Вывод: {change.verdict.text}." in page
    assert page.count('data-change="лучше"') == [row["change"] for row in change.rows].count("лучше")
    assert "за 2024/2025 учебный год против 2023/2024" in page and "Другой" not in page

    method = ZoningMethod.objects.create(municipality=municipality, year=2024, title="Методика по направлению 9.9")
    ZoningRule.objects.create(method=method, indicator=direction["t_two"], ranges=[])
    html = effectiveness_html(method, user=methodist)
    assert f"Вывод по показателям направления: {change.verdict.text}." in html
    assert "Направление 9.9: значения муниципалитета в целом" in html
    for row in change.rows:
        assert f"<td>Показатель {row['indicator'].code}</td><td>{row['slice']}</td>" in html
    assert "<td>10,0</td><td>8,0</td><td>лучше</td>" in html and "<td>5,0</td><td>7,5</td><td>хуже</td>" in html
    assert "<td>1,0</td><td>4,0</td><td>—</td>" in html  # not rated
