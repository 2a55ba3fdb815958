"""The demo region: a roadmap from seed 003's first direction, approved by the ministry and brought down
to the demo municipalities as drafts; the region's logins; idempotent."""

from django.contrib.auth import get_user_model

from roadmaps.cascade.demo import LINES, TITLE, load_demo_regional
from roadmaps.catalogue import catalogue_load
from roadmaps.models import Assignment, Measure, Roadmap
from schools.access import access_for
from schools.demo import load_demo_schools
from schools.models import Municipality, Organization


def test_the_demo_region_brings_its_roadmap_down_once(db):
    load_demo_schools()
    catalogue_load()
    first = load_demo_regional()
    regional = Roadmap.objects.get(title=TITLE)
    assert regional.status == Roadmap.Status.APPROVED and regional.level == Roadmap.Level.REGIONAL
    assert regional.approval_order.signed_by.username == "region_official"
    assert [m.description for m in Measure.objects.filter(section__roadmap=regional).order_by("order")] == [
        line[1] for line in LINES
    ]
    municipalities = Municipality.objects.filter(region=regional.owner.region)
    assert first["cascaded"] == municipalities.count() == 2
    plans = Roadmap.objects.filter(cascaded_from=regional)
    assert {p.owner.municipality for p in plans} == set(municipalities)
    assert {p.status for p in plans} == {Roadmap.Status.DRAFT}
    novouzensk = plans.get(owner__code="uo6401")
    schools = Organization.objects.filter(municipality=novouzensk.owner.municipality, kind="school")
    school_lines = sum(1 for line in LINES if line[3] != "-")
    assert Assignment.objects.filter(measure__section__roadmap=novouzensk).count() == school_lines * schools.count()

    counts = (Roadmap.objects.count(), Measure.objects.count(), Assignment.objects.count())
    assert load_demo_regional() == {"regional_roadmaps": 0, "cascaded": 0, "measures": 0}
    assert (Roadmap.objects.count(), Measure.objects.count(), Assignment.objects.count()) == counts


def test_the_demo_logins_of_the_region(db):
    load_demo_schools()
    users = get_user_model().objects
    for username in ("region_methodist", "region_official"):
        access = access_for(users.get(username=username))
        assert access.regions == {"Саратовская область"} and access.municipality_ids == frozenset()
    assert Organization.objects.get(code="min64").region == "Саратовская область"
