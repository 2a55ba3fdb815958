"""The demo roadmaps: seed 000's structure, an approved plan with assignments and a draft; idempotent."""

import io

import pytest
from django.core.management import call_command

from roadmaps.demo import load_demo_roadmaps
from roadmaps.models import Assignment, Measure, Roadmap
from schools.demo import load_demo_schools


@pytest.fixture
def demo(db):
    load_demo_schools()
    return load_demo_roadmaps()


def test_demo_builds_approved_and_draft_roadmaps(demo):
    approved = Roadmap.objects.get(status=Roadmap.Status.APPROVED)
    draft = Roadmap.objects.get(status=Roadmap.Status.DRAFT)
    assert approved.approval_order.signed_by.username == "official" and approved.approval_order.number == "412"
    assert (approved.period_start.isoformat(), approved.period_end.isoformat()) == ("2026-08-01", "2027-07-31")
    for roadmap in (approved, draft):
        assert Measure.objects.filter(section__roadmap=roadmap).count() >= 60
        codes = set(roadmap.sections.exclude(direction=None).values_list("direction__code", flat=True))
        assert codes == {"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"}
    block_of_direction_4 = approved.sections.get(direction__code="1.4")
    assert block_of_direction_4.tracks.count() == 2
    edited = Measure.objects.get(
        section__roadmap=approved,
        deadline_text="По окончании заключительного этапа ОКПО (получение результатов) и на основании данных регионального мониторинга",
    )
    assert edited.deadline["kind"] == "external"
    assignments = Assignment.objects.filter(measure__section__roadmap=approved)
    assert assignments.filter(organization__kind="school").exists()
    assert assignments.filter(organization__kind="preschool", measure__section__direction__code="2.4").exists()
    assert (
        assignments.filter(due_date__lt="2026-11-23").exists()
        and assignments.filter(due_date__gt="2026-11-23").exists()
    )
    assert demo["roadmaps"] == 2


def test_demo_is_idempotent(demo):
    counts = (Roadmap.objects.count(), Measure.objects.count(), Assignment.objects.count())
    assert load_demo_roadmaps() == {"roadmaps": 0, "measures": 0, "assignments": 0}
    assert (Roadmap.objects.count(), Measure.objects.count(), Assignment.objects.count()) == counts


def test_load_demo_command_includes_roadmaps(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    # its own two plans, and the draft the region's roadmap brought down to it
    assert Roadmap.objects.filter(owner__code="uo6401", cascaded_from=None).count() == 2
    assert Roadmap.objects.filter(owner__code="uo6401").exclude(cascaded_from=None).count() == 1
