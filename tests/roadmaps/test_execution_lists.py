"""The director's list and calendar, the review queue, the dashboards: order, filters, computed
overdue, counts, SVG bars, and query counts that stay flat as rows grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roadmaps.execution import services as services
from roadmaps.execution.selectors import AssignmentFilters, my_assignments, roadmap_dashboard
from roadmaps.models import Assignment, Roadmap
from tests.roadmaps.execution_factories import (
    kind,
    make_assignment,
    make_measure,
    make_roadmap,
    make_section,
    pdf_upload,
)


@pytest.fixture
def roadmap(authority):
    return make_roadmap(authority)


@pytest.fixture
def section(roadmap):
    return make_section(roadmap)


def test_director_list_nearest_first_with_computed_overdue(section, school_a, director_a, authority):
    m1 = make_measure(section, number="1", description="Педсовет")
    m2 = make_measure(section, number="2", description="Совещание", order=1)
    later = make_assignment(m1, school_a, due=20)
    late = make_assignment(m2, school_a, due=-1)  # still «planned» in the database
    undated = Assignment.objects.create(measure=m2, organization=school_a, occurrence=2, due_date=None)
    draft_section = make_section(make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Черновик"))
    make_assignment(make_measure(draft_section), school_a, due=5)
    rows = list(my_assignments(director_a))
    assert [r.pk for r in rows] == [late.pk, later.pk, undated.pk]
    assert [r.state for r in rows] == ["overdue", "planned", "planned"]
    assert [r.pk for r in my_assignments(director_a, AssignmentFilters(state="overdue"))] == [late.pk]


def test_filters_by_month_and_direction(authority, school_a, director_a):
    roadmap = make_roadmap(authority)
    s1 = make_section(roadmap, direction_code="1.1")
    s2 = make_section(roadmap, direction_code="2.1", order=2)
    today = timezone.localdate()
    a1 = make_assignment(make_measure(s1), school_a, due=today.replace(day=1) + datetime.timedelta(days=40))
    a2 = make_assignment(make_measure(s2), school_a, due=today.replace(day=1) + datetime.timedelta(days=70))
    month = a1.due_date.strftime("%Y-%m")
    assert [r.pk for r in my_assignments(director_a, AssignmentFilters(month=month))] == [a1.pk]
    direction_id = s2.direction_id
    assert [r.pk for r in my_assignments(director_a, AssignmentFilters(direction=direction_id))] == [a2.pk]
    page = _client(director_a).get(reverse("execution:my"), {"direction": direction_id}).content.decode()
    assert reverse("execution:assignment", args=[a2.pk]) in page
    assert reverse("execution:assignment", args=[a1.pk]) not in page
    bad = _client(director_a).get(reverse("execution:my"), {"month": "2026-13", "state": "nonsense"})
    assert bad.status_code == 200


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_calendar_places_items_on_their_days(section, school_a, director_a):
    due = timezone.localdate().replace(day=15)
    a = make_assignment(make_measure(section, description="Мониторинг объективности"), school_a, due=due)
    response = _client(director_a).get(reverse("execution:calendar"), {"year": due.year, "month": due.month})
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("execution:assignment", args=[a.pk]) in page
    assert ">15<" in page
    assert _client(director_a).get(reverse("execution:calendar"), {"year": "x", "month": "99"}).status_code == 200


def test_home_page_lists_director_occurrences(section, school_a, director_a):
    a = make_assignment(make_measure(section, description="Анализ результатов ВПР"), school_a, due=-3)
    page = _client(director_a).get(reverse("home")).content.decode()
    assert "Мероприятия организации" in page
    assert reverse("execution:assignment", args=[a.pk]) in page and "Просрочено" in page


def test_roadmap_dashboard_counts_and_bars(roadmap, section, authority, school_a, school_b, director_a, methodist):
    m = make_measure(section)
    accepted = make_assignment(m, school_a, due=-10)
    submitted = make_assignment(m, school_a, due=-5, occurrence=2)
    for a in (accepted, submitted):
        services.evidence_add(
            assignment=a, by=director_a, data=services.EvidenceData(kind=kind(), title="П"), upload=pdf_upload()
        )
        services.assignment_submit(assignment=a, by=director_a)
    services.assignment_accept(assignment=accepted, by=methodist)
    overdue = make_assignment(m, school_b, due=-2)
    make_assignment(m, school_b, due=10, occurrence=2)
    _, d = roadmap_dashboard(user=methodist, pk=roadmap.pk)
    assert (d.total.total, d.total.accepted, d.total.submitted, d.total.overdue, d.total.planned) == (4, 1, 1, 1, 1)
    by_org = {p.label: p for p in d.organizations}
    assert (by_org["СОШ № 1"].accepted, by_org["СОШ № 1"].submitted, by_org["СОШ № 1"].overdue) == (1, 1, 0)
    assert by_org["СОШ с. Дюрметь"].overdue == 1
    assert [p.label for p in d.behind] == ["СОШ с. Дюрметь"]
    assert [a.pk for a in d.overdue] == [overdue.pk]
    assert d.groups[0].total == 4 and d.groups[0].label.startswith("1.1")
    page = _client(methodist).get(reverse("execution:dashboard_roadmap", args=[roadmap.pk])).content.decode()
    assert "<svg" in page and 'class="bar-accepted"' in page and 'class="bar-overdue"' in page
    assert 'style="' not in page and "<script>" not in page
    page = _client(methodist).get(reverse("execution:dashboard_municipality", args=[school_a.municipality_id])).content
    assert "По дорожным картам" in page.decode()
    index = _client(methodist).get(reverse("execution:dashboard")).content.decode()
    assert reverse("execution:dashboard_roadmap", args=[roadmap.pk]) in index


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "url_name", "with_pk"),
    [
        ("director_a", "execution:my", False),
        ("director_a", "home", False),
        ("director_a", "execution:calendar", False),
        ("methodist", "execution:review", False),
        ("methodist", "execution:dashboard", False),
        ("methodist", "execution:dashboard_roadmap", True),
        ("methodist", "execution:notifications", False),
    ],
)
def test_list_pages_query_count_is_flat(request, roadmap, section, school_a, school_b, who, url_name, with_pk):
    user = request.getfixturevalue(who)
    director_a = request.getfixturevalue("director_a")
    request.getfixturevalue("methodist")
    client = _client(user)
    url = reverse(url_name, args=[roadmap.pk]) if with_pk else reverse(url_name)
    client.get(url)  # the first request of a session also refreshes its expiry: not part of the count

    def add(count, start):
        for i in range(start, start + count):
            m = make_measure(section, number=f"9.{i}", order=10 + i)
            for org in (school_a, school_b):
                a = make_assignment(m, org, due=(i % 5) - 2)
                if org == school_a:
                    services.evidence_add(
                        assignment=a,
                        by=director_a,
                        data=services.EvidenceData(kind=kind(), title="П", link="https://x.example/"),
                    )
                    services.assignment_submit(assignment=a, by=director_a)

    add(2, 0)
    few = _queries(client, url)
    add(8, 2)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries with 2 measures, {many} with 10"


def test_pages_survive_a_deleted_person(section, school_a, director_a, methodist):
    a = make_assignment(make_measure(section), school_a, due=5)
    services.evidence_add(
        assignment=a, by=director_a, data=services.EvidenceData(kind=kind(), title="П"), upload=pdf_upload()
    )
    services.assignment_submit(assignment=a, by=director_a)
    director_a.delete()
    client = _client(methodist)
    assert "—" in client.get(reverse("execution:review")).content.decode()
    assert client.get(reverse("execution:assignment", args=[a.pk])).status_code == 200


def test_review_queue_filters_by_roadmap_organisation_and_direction(
    authority, roadmap, section, school_a, school_b, director_a, director_b, methodist
):
    other_roadmap = make_roadmap(authority, title="Вторая карта")
    other_section = make_section(other_roadmap, direction_code="2.1")
    submitted = {}
    for key, sec, org, who in [
        ("a1", section, school_a, director_a),
        ("b1", section, school_b, director_b),
        ("a2", other_section, school_a, director_a),
    ]:
        a = make_assignment(make_measure(sec, number=key), org, due=5)
        services.evidence_add(
            assignment=a, by=who, data=services.EvidenceData(kind=kind(), title="П", link="https://x.example/")
        )
        services.assignment_submit(assignment=a, by=who)
        submitted[key] = reverse("execution:assignment", args=[a.pk])
    client = _client(methodist)

    def shown(**query):
        page = client.get(reverse("execution:review"), query).content.decode()
        return {key for key, url in submitted.items() if url in page}

    assert shown() == {"a1", "b1", "a2"}
    assert shown(roadmap=roadmap.pk) == {"a1", "b1"}
    assert shown(organization=school_b.pk) == {"b1"}
    assert shown(direction=other_section.direction_id) == {"a2"}


def test_htmx_gets_partials(section, school_a, director_a, methodist):
    a = make_assignment(make_measure(section), school_a, due=5)
    client = _client(director_a)
    page = client.get(reverse("execution:my"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in page and reverse("execution:assignment", args=[a.pk]) in page
    response = client.post(reverse("execution:action_toggle", args=[a.pk, 0]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()
    page = _client(methodist).get(reverse("execution:review"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in page and "На проверке: 0" in page
