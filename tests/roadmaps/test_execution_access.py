"""Who may see and do what on every execution page: methodist, official, director of school A,
director of school B, viewer, anonymous — including another school's file and direct URLs."""

import pytest
from django.urls import reverse

from roadmaps.execution import services as services
from roadmaps.models import Assignment, Evidence, Notification
from schools.models import Membership, Organization
from tests.conftest import make_organization, make_user
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload

WHO = ["methodist", "official", "director_a", "director_b", "viewer", "anonymous"]


@pytest.fixture
def people(methodist, official, director_a, director_b, viewer):
    return {
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "viewer": viewer,
        "anonymous": None,
    }


@pytest.fixture
def world(authority, school_a, school_b, other_municipality, other_school, director_a):
    roadmap, measure, (a, b) = make_plan(authority, school_a, school_b)
    evidence = services.evidence_add(
        assignment=a, by=director_a, data=services.EvidenceData(kind=kind(), title="Протокол А"), upload=pdf_upload()
    )
    other_authority = make_organization(other_municipality, "uo2", "УО Ершов", Organization.Kind.AUTHORITY)
    other_roadmap, _, (other,) = make_plan(other_authority, other_school)
    return {"roadmap": roadmap, "a": a, "b": b, "evidence": evidence, "other": other, "other_roadmap": other_roadmap}


def get(client_for, people, who, url):
    return client_for(people[who]).get(url)


def assert_login_redirect(response):
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("methodist", 200), ("official", 200), ("director_a", 200), ("director_b", 404), ("viewer", 200)],
)
def test_occurrence_page_and_file_of_school_a(client_for, people, world, who, status):
    assert get(client_for, people, who, reverse("execution:assignment", args=[world["a"].pk])).status_code == status
    url = reverse("execution:evidence_download", args=[world["evidence"].pk])
    assert get(client_for, people, who, url).status_code == status


def test_director_b_cannot_download_school_a_file_even_by_direct_url(client_for, people, world):
    response = get(client_for, people, "director_b", f"/execution/evidence/{world['evidence'].pk}/file/")
    assert response.status_code == 404
    assert b"%PDF" not in response.content


@pytest.mark.parametrize("who", ["methodist", "official", "director_a", "director_b"])
def test_nobody_of_one_municipality_sees_another(client_for, people, world, who):
    assert get(client_for, people, who, reverse("execution:assignment", args=[world["other"].pk])).status_code == 404
    assert (
        get(
            client_for, people, who, reverse("execution:dashboard_roadmap", args=[world["other_roadmap"].pk])
        ).status_code
        == 404
    )
    municipality_id = world["other"].organization.municipality_id
    url = reverse("execution:dashboard_municipality", args=[municipality_id])
    assert get(client_for, people, who, url).status_code == 404


def test_viewer_reads_every_municipality(client_for, people, world):
    assert (
        get(client_for, people, "viewer", reverse("execution:assignment", args=[world["other"].pk])).status_code == 200
    )
    url = reverse("execution:dashboard_roadmap", args=[world["other_roadmap"].pk])
    assert get(client_for, people, "viewer", url).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "execution:my",
        "execution:calendar",
        "execution:review",
        "execution:dashboard",
        "execution:notifications",
        "execution:bell",
    ],
)
def test_anonymous_is_sent_to_login(client, world, url_name):
    assert_login_redirect(client.get(reverse(url_name)))


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("execution:assignment", "a"),
        ("execution:evidence_download", "evidence"),
        ("execution:dashboard_roadmap", "roadmap"),
    ],
)
def test_anonymous_is_sent_to_login_from_objects(client, world, url_name, key):
    assert_login_redirect(client.get(reverse(url_name, args=[world[key].pk])))


@pytest.mark.parametrize(
    ("who", "status"),
    [("methodist", 200), ("official", 200), ("director_a", 403), ("director_b", 403), ("viewer", 403)],
)
def test_review_queue_is_for_the_authority(client_for, people, world, who, status):
    assert get(client_for, people, who, reverse("execution:review")).status_code == status


@pytest.mark.parametrize("who", ["methodist", "official", "director_a", "director_b", "viewer"])
@pytest.mark.parametrize(
    "url_name",
    ["execution:my", "execution:calendar", "execution:dashboard", "execution:notifications", "execution:bell"],
)
def test_everyone_signed_in_opens_personal_pages(client_for, people, world, who, url_name):
    assert get(client_for, people, who, reverse(url_name)).status_code == 200


@pytest.mark.parametrize("who", ["methodist", "official", "director_a", "director_b", "viewer"])
def test_roadmap_and_municipality_dashboards_open_for_their_people(client_for, people, world, who):
    assert (
        get(client_for, people, who, reverse("execution:dashboard_roadmap", args=[world["roadmap"].pk])).status_code
        == 200
    )
    municipality_id = world["a"].organization.municipality_id
    url = reverse("execution:dashboard_municipality", args=[municipality_id])
    assert get(client_for, people, who, url).status_code == 200


def test_lists_show_only_own_organisation(client_for, people, world):
    a_url = reverse("execution:assignment", args=[world["a"].pk])
    b_url = reverse("execution:assignment", args=[world["b"].pk])
    page = get(client_for, people, "director_a", reverse("execution:my")).content.decode()
    assert a_url in page and b_url not in page
    page = get(client_for, people, "director_b", reverse("home")).content.decode()
    assert b_url in page and a_url not in page
    page = get(client_for, people, "director_b", reverse("execution:dashboard_roadmap", args=[world["roadmap"].pk]))
    assert "СОШ № 1" not in page.content.decode()
    page = get(client_for, people, "methodist", reverse("execution:dashboard_roadmap", args=[world["roadmap"].pk]))
    assert "СОШ № 1" in page.content.decode() and "СОШ с. Дюрметь" in page.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [("methodist", 403), ("official", 403), ("director_a", 302), ("director_b", 404), ("viewer", 403)],
)
def test_who_adds_evidence_to_school_a(client_for, people, world, who, status):
    response = client_for(people[who]).post(
        reverse("execution:evidence_add", args=[world["a"].pk]),
        {"kind": kind().pk, "title": "Приказ", "link": "https://school.example/x"},
    )
    assert response.status_code == status
    assert Evidence.objects.filter(title="Приказ").exists() == (status == 302)


def test_anonymous_cannot_post_anything(client, world):
    pk = world["a"].pk
    for url in [
        reverse("execution:evidence_add", args=[pk]),
        reverse("execution:submit", args=[pk]),
        reverse("execution:accept", args=[pk]),
        reverse("execution:return", args=[pk]),
        reverse("execution:reopen", args=[pk]),
        reverse("execution:action_toggle", args=[pk, 0]),
        reverse("execution:evidence_delete", args=[world["evidence"].pk]),
        reverse("execution:notifications_read_all"),
    ]:
        assert_login_redirect(client.post(url, {"comment": "x"}))
    assert Evidence.objects.count() == 1
    assert Assignment.objects.get(pk=pk).status == Assignment.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("who", "status"),
    [("methodist", 403), ("official", 403), ("director_b", 404), ("viewer", 403)],
)
def test_only_director_a_changes_school_a(client_for, people, world, who, status):
    client = client_for(people[who])
    pk = world["a"].pk
    assert client.post(reverse("execution:submit", args=[pk])).status_code == status
    assert client.post(reverse("execution:action_toggle", args=[pk, 0])).status_code == status
    assert client.post(reverse("execution:evidence_delete", args=[world["evidence"].pk])).status_code == status
    a = Assignment.objects.get(pk=pk)
    assert a.status == Assignment.Status.IN_PROGRESS and a.actions_done == []
    assert Evidence.objects.filter(pk=world["evidence"].pk).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("methodist", 302), ("official", 302), ("director_a", 403), ("director_b", 404), ("viewer", 403)],
)
def test_who_reviews_school_a(client_for, people, world, who, status, director_a):
    services.assignment_submit(assignment=world["a"], by=director_a)
    response = client_for(people[who]).post(
        reverse("execution:return", args=[world["a"].pk]), {"comment": "Нет подписи"}
    )
    assert response.status_code == status
    expected = Assignment.Status.RETURNED if status == 302 else Assignment.Status.SUBMITTED
    assert Assignment.objects.get(pk=world["a"].pk).status == expected


def test_methodist_adds_evidence_for_the_authoritys_own_occurrence(
    client_for, people, authority, methodist, director_a
):
    _, _, (own,) = make_plan(authority, authority)
    url = reverse("execution:evidence_add", args=[own.pk])
    data = {"kind": kind("order").pk, "title": "Приказ УО", "link": "https://uo.example/order"}
    assert client_for(methodist).post(url, data).status_code == 302
    assert client_for(director_a).post(url, data).status_code == 404
    page = client_for(methodist).get(reverse("execution:my")).content.decode()
    assert reverse("execution:assignment", args=[own.pk]) in page


def test_notifications_are_personal(client_for, people, world, methodist, director_a, director_b):
    services.assignment_submit(assignment=world["a"], by=director_a)
    notification = Notification.objects.get(recipient=methodist)
    url = reverse("execution:notification_read", args=[notification.pk])
    assert client_for(director_b).post(url).status_code == 404
    assert client_for(methodist).get(reverse("execution:bell")).content.decode().count("bell-count") == 1
    assert client_for(methodist).post(url).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "bell-count" not in client_for(methodist).get(reverse("execution:bell")).content.decode()


def test_director_of_two_roles_sees_both(client_for, school_b, world):
    both = make_user("both", world["a"].organization, Membership.Role.DIRECTOR)
    Membership.objects.create(user=both, organization=school_b, role=Membership.Role.DIRECTOR)
    page = client_for(both).get(reverse("execution:my")).content.decode()
    assert reverse("execution:assignment", args=[world["a"].pk]) in page
    assert reverse("execution:assignment", args=[world["b"].pk]) in page
