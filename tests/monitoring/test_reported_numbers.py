"""The data collection of a campaign (a director's form and the methodist's workbook upload) refuses
numbers its columns cannot hold — 10^30, 1e308, inf, nan, 2.5, -1 — naming the row, the column,
the value and the range, and writes nothing of the file."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.analysis.services import (
    campaign_create,
    indicators_load,
    reported_values_import,
    reported_values_submit,
)
from monitoring.models import IndicatorDefinition, ReportedValue
from tests.hostile_numbers import HOSTILE, HOSTILE_IDS, xlsx_with

HEADER = ["Код ОО", "Показатель", "Числитель", "Знаменатель", "Значение"]
RANGE = "ожидается целое число от 0 до 2 147 483 647"


@pytest.fixture
def campaign(school_a, school_b, methodist):
    indicators_load()
    return campaign_create(
        municipality=school_a.municipality, by=methodist, title="Сбор 2024", year=2024,
        period_start=date(2023, 9, 1), period_end=date(2024, 8, 31), deadline=date(2024, 6, 1),
        indicators=IndicatorDefinition.objects.filter(code="teachers_diagnosed"), organizations=[school_a, school_b],
    )  # fmt: skip


def upload(campaign, methodist, rows):
    return reported_values_import(
        campaign=campaign, file=SimpleUploadedFile("data.xlsx", xlsx_with([HEADER, *rows])), by=methodist
    )


@pytest.mark.parametrize(("value", "shown"), HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize("column", ["Числитель", "Знаменатель"])
def test_a_number_the_column_cannot_hold_refuses_the_file(
    campaign, methodist, school_a, school_b, value, shown, column
):
    row = {"Код ОО": school_b.code, "Показатель": "teachers_diagnosed", "Числитель": 1, "Знаменатель": 10}
    row[column] = value
    with pytest.raises(ValidationError) as error:
        upload(campaign, methodist, [[school_a.code, "teachers_diagnosed", 3, 10], list(row.values())])
    [message] = error.value.messages
    assert message.startswith(f"строка 3, столбец «{column}»: {column.lower()} «{shown}» ")
    assert message.endswith(RANGE)
    assert not ReportedValue.objects.exists()  # the good row 2 is not written either


@pytest.mark.parametrize(
    ("value", "why"),
    [("1e308", "вне диапазона"), (2.5, "— не целое число"), (-1, "вне диапазона"), ("много", "— не число")],
)
def test_the_reason_says_what_is_wrong(campaign, methodist, school_a, value, why):
    with pytest.raises(ValidationError) as error:
        upload(campaign, methodist, [[school_a.code, "teachers_diagnosed", value, 10]])
    assert error.value.messages == [f"строка 2, столбец «Числитель»: числитель «{value}» {why}: {RANGE}"]


def test_the_largest_count_the_column_holds_is_taken(campaign, methodist, school_a):
    assert upload(campaign, methodist, [[school_a.code, "teachers_diagnosed", 2147483647, 2147483647]]) == 1
    assert ReportedValue.objects.get().numerator == 2147483647


def test_the_service_refuses_it_whatever_calls_it(campaign, director_a, school_a):
    indicator = campaign.indicators.get()
    with pytest.raises(ValidationError, match=f"числитель «1e\\+30» вне диапазона: {RANGE}"):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=director_a, values={indicator: (10**30, 10**30, None)}
        )
    assert not ReportedValue.objects.exists()


def test_the_methodist_upload_page_shows_the_reason(client_for, campaign, methodist, school_a):
    data = xlsx_with([HEADER, [school_a.code, "teachers_diagnosed", 10**30, 10**30]])
    page = (
        client_for(methodist)
        .post(reverse("monitoring:campaign", args=[campaign.pk]), {"file": SimpleUploadedFile("data.xlsx", data)})
        .content.decode()
    )
    assert "строка 2, столбец «Числитель»: числитель «1e+30» вне диапазона" in page
    assert not ReportedValue.objects.exists()


def test_the_director_form_refuses_it_at_the_field(client_for, campaign, director_a, school_a):
    indicator = campaign.indicators.get()
    prefix = f"o{school_a.pk}"
    response = client_for(director_a).post(
        reverse("monitoring:campaign", args=[campaign.pk]),
        {"organization": school_a.pk, f"{prefix}-num_{indicator.pk}": 10**30, f"{prefix}-den_{indicator.pk}": 10**30},
    )
    assert response.status_code == 200
    assert "2147483647" in response.content.decode()
    assert not ReportedValue.objects.exists()
