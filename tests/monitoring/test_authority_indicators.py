"""Indicators of the authority itself (issue 21 part 4, seed 004: «Наличие … приказа о назначении
муниципального координатора»): a campaign includes the authority, the municipality's staff fill
its form as a director fills a school's, and the values land in IndicatorValue for it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.analysis.forms import CampaignForm
from monitoring.analysis.services import (
    campaign_create,
    indicators_load,
    reported_values_import,
    reported_values_submit,
)
from monitoring.indicators import indicators_compute
from monitoring.models import IndicatorDefinition, IndicatorValue, ReportedValue
from tests.hostile_numbers import xlsx_with

COORDINATOR = "authority_coordinator_order"


@pytest.fixture
def campaign(authority, school_a, methodist):
    indicators_load()
    return campaign_create(
        municipality=authority.municipality, by=methodist, title="Сбор 2026", year=2026,
        period_start=date(2025, 9, 1), period_end=date(2026, 5, 31), deadline=date(2026, 6, 1),
        indicators=IndicatorDefinition.objects.filter(code__in=[COORDINATOR, "teachers_diagnosed"]),
        organizations=[authority, school_a],
    )  # fmt: skip


def page(client, user, campaign):
    client.force_login(user)
    return client.get(reverse("monitoring:campaign", args=[campaign.pk])).content.decode()


def test_the_catalogue_has_the_authority_level(db):
    indicators_load()
    indicator = IndicatorDefinition.objects.get(code=COORDINATOR)
    assert indicator.get_level_display() == "Орган управления образованием"
    assert indicator.name.startswith("Наличие в муниципальной системе образования приказа о назначении")


def test_a_campaign_may_include_the_authority(authority, municipality):
    form = CampaignForm(municipality=municipality)
    assert authority in form.fields["organizations"].queryset


def test_methodist_fills_the_authority_form_with_its_own_indicators_only(client, methodist, authority, campaign):
    html = page(client, methodist, campaign)
    assert authority.short_name in html
    coordinator = IndicatorDefinition.objects.get(code=COORDINATOR)
    diagnosed = IndicatorDefinition.objects.get(code="teachers_diagnosed")
    prefix = f"o{authority.pk}"
    assert f"{prefix}-yn_{coordinator.pk}" in html and f"{prefix}-num_{diagnosed.pk}" not in html
    response = client.post(
        reverse("monitoring:campaign", args=[campaign.pk]),
        {"organization": authority.pk, f"{prefix}-yn_{coordinator.pk}": "1"},
    )
    assert response.status_code == 302
    assert ReportedValue.objects.get(organization=authority).yes_no is True


def test_director_sees_only_the_school_form(client, director_a, authority, school_a, campaign):
    html = page(client, director_a, campaign)
    coordinator = IndicatorDefinition.objects.get(code=COORDINATOR)
    assert f"o{authority.pk}-" not in html
    assert f"o{school_a.pk}-yn_{coordinator.pk}" not in html  # the authority's indicator is not asked of schools


def test_director_cannot_post_the_authority_form(client, director_a, authority, campaign):
    coordinator = IndicatorDefinition.objects.get(code=COORDINATOR)
    client.force_login(director_a)
    client.post(
        reverse("monitoring:campaign", args=[campaign.pk]),
        {"organization": authority.pk, f"o{authority.pk}-yn_{coordinator.pk}": "1"},
    )
    assert not ReportedValue.objects.filter(organization=authority).exists()


def test_the_service_asks_each_organisation_only_its_own_indicators(methodist, authority, school_a, campaign):
    coordinator = IndicatorDefinition.objects.get(code=COORDINATOR)
    diagnosed = IndicatorDefinition.objects.get(code="teachers_diagnosed")
    with pytest.raises(ValidationError, match="собирается от органа управления образованием"):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=methodist, values={coordinator: (None, None, True)}
        )
    with pytest.raises(ValidationError, match="собирается от организаций"):
        reported_values_submit(
            campaign=campaign, organization=authority, by=methodist, values={diagnosed: (1, 10, None)}
        )
    assert not ReportedValue.objects.exists()


def test_the_workbook_refuses_an_authority_indicator_for_a_school(methodist, school_a, campaign):
    rows = [
        ["Код ОО", "Показатель", "Числитель", "Знаменатель", "Значение"],
        [school_a.code, COORDINATOR, "", "", "да"],
    ]
    with pytest.raises(ValidationError) as error:
        reported_values_import(campaign=campaign, file=SimpleUploadedFile("d.xlsx", xlsx_with(rows)), by=methodist)
    assert "строка 2" in error.value.messages[0] and "показатели органа управления" in error.value.messages[0]
    assert not ReportedValue.objects.exists()


def test_values_land_for_the_authority_and_show_on_its_card(client, methodist, authority, campaign):
    coordinator = IndicatorDefinition.objects.get(code=COORDINATOR)
    reported_values_submit(
        campaign=campaign, organization=authority, by=methodist, values={coordinator: (None, None, True)}
    )
    indicators_compute(year=2026, municipality=authority.municipality)
    own = IndicatorValue.objects.get(indicator=coordinator, organization=authority, year=2026)
    pooled = IndicatorValue.objects.get(indicator=coordinator, organization=None, year=2026)
    assert own.value == pooled.value == 100
    client.force_login(methodist)
    card = client.get(reverse("monitoring:organization", args=[authority.pk])).content.decode()
    assert "Наличие в муниципальной системе образования приказа" in card
