"""The deficit–resource map: who is in deficit (red on a rule), who is a resource (green with a
recorded good practice), the pairs suggested (own cluster first, else the municipality), the pair
turned into a measure of the draft roadmap through the one measure builder, and who may do what."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

import roadmaps.services
from monitoring.clusters.services import clustering_compute
from monitoring.deficits.selectors import deficit_map
from monitoring.models import IndicatorDefinition, TargetedMeasure, Zone, ZoningMethod, ZoningRule
from roadmaps.models import Assignment, Evidence, Measure, Roadmap
from schools.models import SchoolContext
from tests.conftest import make_organization, make_user
from tests.roadmaps.execution_factories import kind, make_assignment, make_measure, make_roadmap, make_section

YEAR = 2026
# code: (pupils, rural, colour on the rule, value, good practice?)
SCHOOLS = {
    "s1": (40, True, "red", 31.0, False),
    "s2": (55, True, "green", 88.0, True),
    "s3": (60, True, "green", 95.0, False),  # green, but no good practice recorded: not a resource
    "s4": (480, False, "red", 42.0, False),
    "s5": (640, False, "green", 81.0, True),
    "s6": (812, False, "green", 90.0, True),  # the best value of the urban cluster
    "s7": (150, True, "red", 20.0, False),  # a cluster with no resource: paired within the municipality
    "s8": (300, False, "yellow", 60.0, True),  # yellow is neither
    "s9": (210, False, "green", 85.0, True),
}


@pytest.fixture
def world(municipality, authority, methodist):
    schools = {}
    for code, (pupils, rural, *_rest) in SCHOOLS.items():
        school = make_organization(municipality, code, f"Школа {code}", is_rural=rural)
        SchoolContext.objects.create(
            organization=school, year=YEAR, pupils=pupils, is_rural=rural, classes=9, teachers=20
        )
        schools[code] = school
    clustering_compute(municipality=municipality, year=YEAR, variables=["pupils", "rural"], bands=3, by=methodist)
    indicator = IndicatorDefinition.objects.create(
        code="test_success", name="Доля успевающих по математике", direction_code="1.1", better="higher"
    )
    method = ZoningMethod.objects.create(
        municipality=municipality, year=YEAR, title="Методика 2026", computed_at=timezone.now()
    )
    rule = ZoningRule.objects.create(method=method, indicator=indicator, ranges=[])
    for code, (_pupils, _rural, colour, value, _practice) in SCHOOLS.items():
        Zone.objects.create(
            method=method, organization=schools[code], colour=colour, computed_at=timezone.now(),
            explanation=[{"rule": rule.pk, "indicator": indicator.code, "slice": "в целом", "value": value,
                          "colour": colour, "range": "", "reason": ""}],
        )  # fmt: skip
    approved = make_roadmap(authority)
    measure = make_measure(make_section(approved))
    for code, (*_rest, practice) in SCHOOLS.items():
        if practice:
            assignment = make_assignment(measure, schools[code], status=Assignment.Status.ACCEPTED)
            Evidence.objects.create(
                assignment=assignment, kind=kind("best_practice"), title=f"Практика {code}",
                link="https://example.org/practice",
            )  # fmt: skip
    draft = make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Черновик 2026/2027")
    section = make_section(draft)
    return {"schools": schools, "method": method, "rule": rule, "section": section, "indicator": indicator}


def pairs_of(method):
    (direction,) = deficit_map(method)
    (entry,) = direction.rules
    return direction, entry, {p.deficit.code: (p.resource.code, p.same_cluster) for p in entry.pairs}


def test_deficits_resources_and_pairs(world):
    direction, entry, pairs = pairs_of(world["method"])
    assert direction.code == "1.1" and direction.title
    assert [p.code for p in entry.deficits] == ["s1", "s4", "s7"]
    assert [p.code for p in entry.resources] == ["s2", "s5", "s6", "s9"]  # s3 has no practice, s8 is yellow
    assert pairs == {
        "s1": ("s2", True),  # «малочисленная сельская»: its own cluster
        "s4": ("s6", True),  # «многочисленная городская»: the better of s5 and s6
        "s7": ("s6", False),  # alone in its cluster: the municipality's best
    }
    assert next(p for p in entry.resources if p.code == "s2").practices == ["Практика s2"]


def test_a_returned_practice_does_not_make_a_resource(world):
    Assignment.objects.filter(organization=world["schools"]["s2"]).update(status=Assignment.Status.RETURNED)
    _direction, entry, pairs = pairs_of(world["method"])
    assert "s2" not in [p.code for p in entry.resources]
    assert pairs["s1"] == ("s6", False)


def test_lower_is_better_picks_the_lowest_value(world):
    IndicatorDefinition.objects.filter(pk=world["indicator"].pk).update(better="lower")
    _direction, _entry, pairs = pairs_of(world["method"])
    assert pairs["s4"] == ("s5", True) and pairs["s7"] == ("s5", False)


def test_without_clusters_pairs_come_from_the_municipality(world, municipality):
    from monitoring.models import Clustering

    Clustering.objects.filter(municipality=municipality).delete()
    _direction, _entry, pairs = pairs_of(world["method"])
    assert pairs == {"s1": ("s6", False), "s4": ("s6", False), "s7": ("s6", False)}


def post_pair(client, world, deficit="s1", resource="s2", **extra):
    return client.post(
        reverse("deficits:pair"),
        {
            "method": world["method"].pk,
            "rule": world["rule"].pk,
            "deficit": world["schools"][deficit].pk,
            "resource": world["schools"][resource].pk,
            "section": world["section"].pk,
            "description": "",
            "deadline_text": "Ноябрь",
            **extra,
        },
    )


def test_a_pair_becomes_a_measure_of_both_schools_through_the_builder(client_for, world, methodist, monkeypatch):
    built = []
    real = roadmaps.services.measures_build

    def spy(**kwargs):
        built.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(roadmaps.services, "measures_build", spy)
    response = post_pair(client_for(methodist), world)
    assert response.status_code == 302
    assert len(built) == 1 and built[0]["roadmap"] == world["section"].roadmap
    measure = Measure.objects.get(section=world["section"])
    assert "Школа s1 перенимает лучшую практику Школа s2 («Практика s2»)" in measure.description
    assert measure.deadline_text == "Ноябрь" and measure.deadline  # parsed by the builder
    assert set(measure.assignments.values_list("organization__code", flat=True)) == {"s1", "s2"}
    targeting = TargetedMeasure.objects.get(measure=measure)
    assert targeting.zoning_method == world["method"]
    assert set(targeting.organizations.values_list("code", flat=True)) == {"s1", "s2"}
    assert measure.history.count() == 1


def test_any_resource_of_the_rule_may_be_chosen_but_not_a_school_off_the_map(client_for, world, methodist):
    client = client_for(methodist)
    assert post_pair(client, world, deficit="s1", resource="s9").status_code == 302  # a resource, not the suggested one
    post_pair(client, world, deficit="s1", resource="s3")  # green without a practice
    post_pair(client, world, deficit="s2", resource="s6")  # not in deficit
    assert Measure.objects.filter(section=world["section"]).count() == 1


def test_only_the_municipality_staff_make_pairs(client_for, world, director_a, viewer, other_municipality):
    assert post_pair(client_for(viewer), world).status_code == 403
    director = make_user("director_s1", world["schools"]["s1"], "director")
    assert post_pair(client_for(director), world).status_code == 403
    outsider = make_user("outsider", make_organization(other_municipality, "uo9", "УО", kind="authority"), "methodist")
    assert post_pair(client_for(outsider), world).status_code == 404  # the method is not theirs to see
    assert not Measure.objects.filter(section=world["section"]).exists()


def test_the_map_page_is_printable_and_read_by_viewers(client_for, world, methodist, viewer, municipality):
    url = reverse("deficits:map") + f"?municipality={municipality.pk}&method={world['method'].pk}"
    page = client_for(methodist).get(url).content.decode()
    assert "Дефицитов: <strong>3</strong>, ресурсов: <strong>4</strong>, предложено пар: <strong>3</strong>" in page
    assert "data-print" in page and "monitoring.css" in page
    assert "Назначить обеим школам" in page
    assert "один кластер: «Малочисленная сельская»" in page
    seen = client_for(viewer).get(url)
    assert seen.status_code == 200 and "Назначить обеим школам" not in seen.content.decode()


def test_directors_do_not_open_the_map(client_for, world, municipality):
    director = make_user("director_s4", world["schools"]["s4"], "director")
    assert client_for(director).get(reverse("deficits:map")).status_code == 403


def test_a_pair_made_once_is_shown_as_made_and_not_made_twice(client_for, world, methodist):
    client = client_for(methodist)
    assert post_pair(client, world).status_code == 302
    measure = Measure.objects.get(section=world["section"])
    pairs = [pair for direction in deficit_map(world["method"]) for entry in direction.rules for pair in entry.pairs]
    made = [pair for pair in pairs if pair.measure is not None]
    assert [(p.deficit.code, p.resource.code, p.measure) for p in made] == [("s1", "s2", measure)]
    page = client.get(reverse("deficits:map") + f"?method={world['method'].pk}").content.decode()
    assert 'data-testid="pair-made"' in page and "Мероприятие уже создано" in page

    response = post_pair(client, world)
    assert response.status_code == 302
    assert Measure.objects.filter(section=world["section"]).count() == 1
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "мероприятие уже создано" in text and "второе не создаётся" in text
