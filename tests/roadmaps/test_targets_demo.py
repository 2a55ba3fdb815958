"""The demo shows targets against what was achieved (issue 21 part 4): both verdicts and the
authority's own indicators, after the whole demo is loaded."""

import io

import pytest
from django.core.management import call_command

from monitoring.models import IndicatorValue
from roadmaps.attainment import ATTAINED, NOT_ATTAINED, roadmap_attainment
from roadmaps.models import Roadmap
from schools.models import Organization


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--force", stdout=io.StringIO())


def test_demo_roadmap_shows_attained_and_not_attained_targets(demo, client):
    approved = Roadmap.objects.get(status=Roadmap.Status.APPROVED, owner__code="uo6401")
    verdicts = {item.verdict for items in roadmap_attainment(approved).values() for item in items}
    assert {ATTAINED, NOT_ATTAINED} <= verdicts
    by_source = {(item.source, item.verdict) for items in roadmap_attainment(approved).values() for item in items}
    assert ("indicator", ATTAINED) in by_source  # seed 001's «не менее 5 %» from the demo collection
    client.force_login(approved.owner.memberships.filter(role="methodist").first().user)
    page = client.get(f"/roadmaps/{approved.pk}/").content.decode()
    assert "Достижение показателя" in page and "не достигнуто" in page


def test_demo_collects_the_authority_own_indicators(demo):
    authority = Organization.objects.get(code="uo6401")
    values = dict(
        IndicatorValue.objects.filter(organization=authority, indicator__level="authority").values_list(
            "indicator__code", "value"
        )
    )
    assert values["authority_coordinator_order"] == 100 and values["authority_deficit_system"] == 0


def test_demo_is_still_idempotent_with_the_campaign(demo):
    before = IndicatorValue.objects.count()
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert IndicatorValue.objects.count() == before
