"""Who may do what along the cascade, with the exact status of each page (the product's access matrix,
tests/hardening/test_access_matrix.py, has the cascade's URLs for its eight people; these are the
region's staff against the region's and the municipality's plans)."""

from datetime import date

import pytest
from django.urls import reverse

from roadmaps import services
from roadmaps.cascade.services import roadmap_cascade
from roadmaps.models import Assignment, Measure, Roadmap
from schools.models import Membership, Organization
from tests.conftest import make_user
from tests.hardening.access_world import make_authority
from tests.roadmaps.test_cascade import REGION, approved_regional, build_regional

PEOPLE = ["regional_methodist", "regional_official", "methodist", "outsider", "director_a"]


@pytest.fixture
def world(municipality, other_municipality, authority, school_a, methodist, official, director_a):
    ministry = Organization.objects.create(
        municipality=None, region=REGION, code="min64", kind="regional", short_name="Минобр", full_name="Минобр"
    )
    people = {
        "regional_methodist": make_user("regional_methodist", ministry, Membership.Role.METHODIST),
        "regional_official": make_user("regional_official", ministry, Membership.Role.OFFICIAL),
        "methodist": methodist,
        "outsider": make_user("outsider", make_authority(other_municipality), Membership.Role.METHODIST),
        "director_a": director_a,
    }
    by, boss = people["regional_methodist"], people["regional_official"]
    draft = build_regional(ministry, by)
    on_approval = build_regional(ministry, by)
    services.roadmap_submit(roadmap=on_approval, by=by)
    approved = approved_regional(ministry, by, boss)
    roadmap_cascade(roadmap=approved, by=by)
    municipal = Roadmap.objects.get(cascaded_from=approved, owner=authority)
    return {
        "people": people,
        "regional_draft": draft,
        "regional_draft_measure": Measure.objects.filter(section__roadmap=draft).first(),
        "on_approval": on_approval,
        "approved": approved,
        "approved_measure": Measure.objects.filter(section__roadmap=approved).last(),
        "municipal": municipal,
        "municipal_measure": Measure.objects.filter(section__roadmap=municipal).first(),
        "school_occurrence": Assignment.objects.filter(
            measure__section__roadmap=municipal, organization=school_a
        ).first(),
    }


def row(**statuses):
    assert set(statuses) == set(PEOPLE)
    return statuses


# (method, URL name, object, expected status per person); run in order (the last ones change state)
MATRIX = [
    # the region's own plans: its staff edit them, municipalities read only what is approved
    ("get", "roadmaps:create", None, row(regional_methodist=200, regional_official=200, methodist=200, outsider=200, director_a=403)),
    ("get", "roadmaps:detail", "regional_draft", row(regional_methodist=200, regional_official=200, methodist=404, outsider=404, director_a=404)),
    ("get", "roadmaps:update", "regional_draft", row(regional_methodist=200, regional_official=200, methodist=404, outsider=404, director_a=404)),
    ("get", "roadmaps:measure_edit", "regional_draft_measure", row(regional_methodist=200, regional_official=200, methodist=404, outsider=404, director_a=404)),
    ("get", "roadmaps:detail", "approved", row(regional_methodist=200, regional_official=200, methodist=200, outsider=200, director_a=404)),
    # the region amends its own approved roadmap (the second request is told a draft version exists)
    ("post", "roadmaps:amend", "approved", row(regional_methodist=302, regional_official=302, methodist=403, outsider=403, director_a=404)),
    ("post", "roadmaps:approve", "on_approval", row(regional_methodist=403, regional_official=302, methodist=404, outsider=404, director_a=404)),
    # the cascade and its reading up the chain
    ("get", "cascade:dashboard", "approved", row(regional_methodist=200, regional_official=200, methodist=200, outsider=200, director_a=404)),
    ("get", "cascade:measure", "approved_measure", row(regional_methodist=200, regional_official=200, methodist=200, outsider=200, director_a=404)),
    # the municipality's linked draft: the region reads it and never edits it
    ("get", "roadmaps:detail", "municipal", row(regional_methodist=200, regional_official=200, methodist=200, outsider=404, director_a=404)),
    ("get", "roadmaps:update", "municipal", row(regional_methodist=403, regional_official=403, methodist=200, outsider=404, director_a=404)),
    ("get", "roadmaps:measure_edit", "municipal_measure", row(regional_methodist=403, regional_official=403, methodist=200, outsider=404, director_a=404)),
    ("get", "roadmaps:measure_assign", "municipal_measure", row(regional_methodist=403, regional_official=403, methodist=200, outsider=404, director_a=404)),
    ("get", "execution:review", None, row(regional_methodist=403, regional_official=403, methodist=200, outsider=200, director_a=403)),
    ("get", "execution:assignment", "school_occurrence", row(regional_methodist=200, regional_official=200, methodist=200, outsider=404, director_a=200)),
    ("post", "execution:accept", "school_occurrence", row(regional_methodist=403, regional_official=403, methodist=302, outsider=404, director_a=403)),
    ("post", "cascade:publish", "approved", row(regional_methodist=302, regional_official=302, methodist=403, outsider=403, director_a=404)),
    ("post", "roadmaps:submit", "municipal", row(regional_methodist=403, regional_official=403, outsider=404, director_a=404, methodist=302)),
]  # fmt: skip


def test_the_cascade_access_matrix(client_for, world):
    mismatches = []
    for method, name, key, expected in MATRIX:
        obj = world[key] if key else None
        if obj is None:
            url = reverse(name)
        elif name.startswith("roadmaps:measure"):
            url = reverse(name, kwargs={"measure_pk": obj.pk})
        else:
            url = reverse(name, args=[obj.pk])
        for person, status in expected.items():
            client = client_for(world["people"][person])
            response = client.get(url) if method == "get" else client.post(url, {})
            if response.status_code != status:
                mismatches.append(f"{method} {name} as {person}: expected {status}, got {response.status_code}")
    assert not mismatches, "\n".join(mismatches)


def test_the_region_approves_its_roadmap_by_its_own_order(world):
    official = world["people"]["regional_official"]
    approved = services.roadmap_approve(
        roadmap=world["on_approval"], by=official, order_number="01-05/9", order_date=date(2025, 3, 1)
    )
    assert approved.approval_order.organization == approved.owner and approved.owner.municipality_id is None
