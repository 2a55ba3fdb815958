"""The home as a to-do list (issue 20): a panel for each role the person holds, every count a link to
a list that shows exactly that many rows, nobody counting what they may not see."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from monitoring.models import ResultImport, ZoningMethod
from roadmaps.models import Assignment, Order, ReviewDecision, Roadmap, Section, Track
from schools.models import Membership, Municipality, Organization
from tests.conftest import make_organization, make_user
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section

# How each linked list names its rows: the distinct objects its rows link to.
ROW_LINKS = {
    "/roadmaps/": r'href="/roadmaps/(\d+)/"',
    "/reports/orders/": r'href="/reports/orders/(\d+)/"',
    "/monitoring/methods/": r'href="/monitoring/methods/(\d+)/"',
    "/execution/": r'href="/execution/occurrence/(\d+)/"',
    "/results/": r'href="/results/imports/(\d+)/"',
    "/monitoring/recommendations/": r'href="/monitoring/recommendations/(\d+)/"',
}


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def todos(page: str) -> dict[str, tuple[int, str]]:
    """{data-todo key: (count, url)} of the home's counters."""
    found = re.findall(
        r'href="([^"]+)" data-todo="([^"]+)">\s*<span>[^<]*</span>\s*<span class="badge[^"]*count">(\d+)</span>', page
    )
    return {key: (int(count), unescape(url)) for url, key, count in found}


def rows_on(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    path = url.split("?")[0]
    pattern = next(pattern for prefix, pattern in ROW_LINKS.items() if path.startswith(prefix))
    return len(set(re.findall(pattern, response.content.decode())))


def assert_counts_are_their_lists(client, counters: dict[str, tuple[int, str]]) -> None:
    for key, (count, url) in counters.items():
        assert rows_on(client, url) == count, key


def panel(page: str, key: str) -> str:
    match = re.search(rf'<section class="card mb-4 home-panel" id="home-{key}".*?</section>\n', page, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def other_authority(other_municipality):
    return make_organization(other_municipality, "uo2", "УО Ершов", Organization.Kind.AUTHORITY)


def draft_order(organization, title="Об утверждении плана") -> Order:
    return Order.objects.create(organization=organization, date=datetime.date(2026, 8, 28), title=title)


def result_import(municipality, status, rejected=0, name="vpr.xlsx") -> ResultImport:
    return ResultImport.objects.create(
        municipality=municipality,
        file=f"imports/{name}",
        original_name=name,
        checksum="0" * 64,
        kind="vpr",
        year=2026,
        status=status,
        rejected_count=rejected,
    )


def submitted(measure, organization, *, returned_before=False, due=10, occurrence=1) -> Assignment:
    assignment = make_assignment(
        measure, organization, due=due, status=Assignment.Status.SUBMITTED, occurrence=occurrence
    )
    Assignment.objects.filter(pk=assignment.pk).update(submitted_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    if returned_before:
        ReviewDecision.objects.create(assignment=assignment, decision=ReviewDecision.Decision.RETURNED, comment="Нет")
    return assignment


# --- the official ------------------------------------------------------------------------------


@pytest.fixture
def official_world(authority, other_authority, school_a, school_b, other_school, municipality, other_municipality):
    make_roadmap(authority, status=Roadmap.Status.ON_APPROVAL, title="План на утверждении")
    make_roadmap(authority, status=Roadmap.Status.DRAFT, title="План в работе")
    make_roadmap(other_authority, status=Roadmap.Status.ON_APPROVAL, title="Чужой план на утверждении")
    draft_order(authority)
    draft_order(authority, title="Второй проект")
    draft_order(other_authority, title="Чужой проект")
    ZoningMethod.objects.create(municipality=municipality, year=2026, title="Методика 2026")
    ZoningMethod.objects.create(municipality=other_municipality, year=2026, title="Чужая методика")
    measure = make_measure(make_section(make_roadmap(authority)))
    make_assignment(measure, school_a, due=-3)
    make_assignment(measure, school_b, due=-1)
    make_assignment(measure, school_b, due=-1, status=Assignment.Status.ACCEPTED, occurrence=2)
    make_assignment(measure, school_a, due=5, occurrence=2)
    make_assignment(make_measure(make_section(make_roadmap(other_authority))), other_school, due=-3)
    return municipality


def test_official_home_shows_what_waits_for_approval(client, official, official_world):
    page = home(client, official)
    counters = todos(panel(page, "official"))
    m = official_world.pk
    assert {key: count for key, (count, _) in counters.items()} == {
        "roadmaps-on-approval": 1,
        "orders-draft": 2,
        f"methods-draft-{m}": 1,
        f"overdue-{m}": 2,
    }
    # in the order of urgency: approvals first, then what is late
    assert list(counters) == ["roadmaps-on-approval", "orders-draft", f"methods-draft-{m}", f"overdue-{m}"]
    assert "Чужой" not in page
    assert 'id="home-methodist"' not in page  # an official only: no methodist's panel


def test_official_counts_are_the_rows_of_their_lists(client, official, official_world):
    counters = todos(panel(home(client, official), "official"))
    assert_counts_are_their_lists(client, counters)


# --- the methodist -----------------------------------------------------------------------------


@pytest.fixture
def methodist_world(authority, other_authority, school_a, school_b, other_school, municipality, other_municipality):
    make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Мой черновик")
    make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Второй черновик")
    make_roadmap(authority, status=Roadmap.Status.ON_APPROVAL, title="Отправлен на утверждение")
    make_roadmap(other_authority, status=Roadmap.Status.DRAFT, title="Чужой черновик")
    measure = make_measure(make_section(make_roadmap(authority)))
    submitted(measure, school_a)
    submitted(measure, school_b, returned_before=True)
    submitted(measure, school_b, returned_before=True, due=-2, occurrence=2)  # late, but handed in: on review
    make_assignment(measure, school_a, due=-1, status=Assignment.Status.RETURNED, occurrence=3)  # not handed in
    submitted(make_measure(make_section(make_roadmap(other_authority))), other_school, returned_before=True)
    result_import(municipality, ResultImport.Status.REJECTED, name="a.xlsx")
    result_import(municipality, ResultImport.Status.PREVIEWED, rejected=4, name="b.xlsx")
    result_import(municipality, ResultImport.Status.PREVIEWED, name="c.xlsx")  # clean, waiting: no problem
    result_import(municipality, ResultImport.Status.IMPORTED, rejected=2, name="d.xlsx")  # done
    result_import(other_municipality, ResultImport.Status.FAILED, name="e.xlsx")
    return municipality


def test_methodist_home_shows_drafts_review_and_imports(client, methodist, methodist_world):
    counters = todos(panel(home(client, methodist), "methodist"))
    assert {key: count for key, (count, _) in counters.items()} == {
        "roadmap-drafts": 2,
        "review": 3,
        "resubmitted": 2,
        "imports-problems": 2,
        "recommendations-decide": 0,
    }


def test_methodist_counts_are_the_rows_of_their_lists(client, methodist, methodist_world):
    counters = todos(panel(home(client, methodist), "methodist"))
    assert_counts_are_their_lists(client, counters)


# --- the director ------------------------------------------------------------------------------


def test_director_sees_own_school_only(client, authority, school_a, school_b, director_a):
    section = make_section(make_roadmap(authority))
    make_assignment(make_measure(section, description="Педсовет школы А"), school_a, due=-2)
    make_assignment(make_measure(section, description="Собрание школы Б"), school_b, due=-2)
    make_assignment(
        make_measure(section, description="Принятое в сентябре"), school_a, due=-60, status=Assignment.Status.ACCEPTED
    )
    page = home(client, director_a)
    block = panel(page, "organization")
    assert "Педсовет школы А" in block and "Собрание школы Б" not in page
    assert "Принятое в сентябре" not in block  # accepted: behind its counter, not among what to do
    assert 'id="home-official"' not in page and 'id="home-methodist"' not in page
    found = re.findall(r'href="([^"]+)" data-state="(\w+)">[^<]*<span class="count">(\d+)', block)
    counts = {state: int(count) for _, state, count in found}
    assert counts == {"returned": 0, "overdue": 1, "due_soon": 0, "planned": 0, "submitted": 0, "accepted": 1}
    for url, state, count in found:
        assert rows_on(client, unescape(url)) == int(count), state


# --- the viewer and the region -----------------------------------------------------------------


@pytest.fixture
def far_municipality(db):
    return Municipality.objects.create(name="Сызранский район", region="Самарская область")


@pytest.fixture
def comparison_world(authority, other_authority, school_a, other_school, far_municipality):
    far_school = make_organization(far_municipality, "sch777", "СОШ Сызрань")
    far_authority = make_organization(far_municipality, "uo7", "УО Сызрань", Organization.Kind.AUTHORITY)
    measure = make_measure(make_section(make_roadmap(authority)))
    make_assignment(measure, school_a, due=-3)
    make_assignment(measure, school_a, due=-3, status=Assignment.Status.ACCEPTED, occurrence=2)
    make_assignment(make_measure(make_section(make_roadmap(other_authority))), other_school, due=-1)
    make_assignment(make_measure(make_section(make_roadmap(far_authority))), far_school, due=-1)


def comparison_rows(page: str) -> dict[int, dict[str, tuple[int, str]]]:
    block = panel(page, "comparison")
    rows = {}
    for pk, row in re.findall(r'<tr data-municipality="(\d+)">(.*?)</tr>', block, re.S):
        cells = re.findall(r'<a href="([^"]+)" data-state="(\w+)">(\d+)</a>', row)
        rows[int(pk)] = {state: (int(count), unescape(url)) for url, state, count in cells}
    return rows


def test_viewer_compares_municipalities(
    client, viewer, comparison_world, municipality, other_municipality, far_municipality
):
    rows = comparison_rows(home(client, viewer))
    assert set(rows) == {municipality.pk, other_municipality.pk, far_municipality.pk}
    assert rows[municipality.pk]["total"][0] == 2
    assert rows[municipality.pk]["overdue"][0] == 1
    assert rows[municipality.pk]["accepted"][0] == 1
    for cells in rows.values():
        for state, (count, url) in cells.items():
            assert rows_on(client, url) == count, state


def test_region_staff_compare_only_their_region(client, comparison_world, municipality, far_municipality):
    ministry = Organization.objects.create(
        municipality=None, region="Саратовская область", code="min64", kind=Organization.Kind.REGIONAL,
        short_name="Минобр", full_name="Министерство образования",
    )  # fmt: skip
    region_methodist = make_user("region_methodist", ministry, Membership.Role.METHODIST)
    page = home(client, region_methodist)
    rows = comparison_rows(page)
    assert municipality.pk in rows and far_municipality.pk not in rows
    assert "Сызранский" not in page


# --- several roles, the membership line, the bound on queries ----------------------------------


def test_person_with_several_roles_sees_each_panel(client, official, methodist, school_a, official_world):
    Membership.objects.create(user=official, organization=school_a, role=Membership.Role.DIRECTOR)
    Membership.objects.create(user=official, organization=methodist.memberships.get().organization, role="methodist")
    page = home(client, official)
    keys = re.findall(r'class="card mb-4 home-panel" id="home-(\w+)"', page)
    assert keys == ["official", "methodist", "organization"]


def test_home_queries_are_bounded(client, official, methodist, school_a, official_world, django_assert_max_num_queries):
    Membership.objects.create(user=official, organization=school_a, role=Membership.Role.DIRECTOR)
    Membership.objects.create(user=official, organization=methodist.memberships.get().organization, role="methodist")
    client.force_login(official)
    with django_assert_max_num_queries(30):  # 24 today: three panels, each count one query
        assert client.get(reverse("home")).status_code == 200


def test_membership_of_a_regional_organisation_prints_no_none(client, viewer, admin_user, regional_org):
    assert "None" not in home(client, viewer)
    assert "None" not in home(client, admin_user)
    regional_org.region = "Саратовская область"
    regional_org.save()
    assert "Региональный координатор" not in home(client, viewer)  # no position given in the fixture
    assert "Наблюдатель (региональный координатор) · Саратовская область" in home(client, viewer)


# --- the execution dashboard names the track ---------------------------------------------------


def test_dashboard_sections_of_one_direction_differ_by_track(client, methodist, authority, school_a):
    roadmap = make_roadmap(authority)
    tracks = list(Track.objects.filter(direction__code="1.1").order_by("order")[:3])
    for order, track in enumerate(tracks, start=1):
        section = make_section(roadmap, order=order)
        section.tracks.set([track])
        make_assignment(make_measure(section), school_a)
    assert Section.objects.filter(roadmap=roadmap).count() == 3
    client.force_login(methodist)
    page = unescape(client.get(reverse("execution:dashboard_roadmap", args=[roadmap.pk])).content.decode())
    for track in tracks:
        assert f"трек: {track.title}" in page
