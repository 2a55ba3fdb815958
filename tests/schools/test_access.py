"""Who sees which organisations, on every page of the schools app."""

import pytest
from django.urls import reverse

from schools.models import Organization


@pytest.fixture
def people(methodist, official, director_a, director_b, viewer, admin_user):
    return {
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "viewer": viewer,
        "admin": admin_user,
    }


def visible_codes(user):
    return set(Organization.objects.for_user(user).values_list("code", flat=True))


def test_director_sees_only_own_school(director_a, school_a, school_b, other_school):
    assert visible_codes(director_a) == {school_a.code}


def test_methodist_and_official_see_their_municipality(people, authority, school_a, school_b, other_school):
    expected = {authority.code, school_a.code, school_b.code}
    assert visible_codes(people["methodist"]) == expected
    assert visible_codes(people["official"]) == expected


def test_viewer_and_admin_see_all_municipalities(people, school_a, other_school):
    for who in ("viewer", "admin"):
        assert {school_a.code, other_school.code} <= visible_codes(people[who])


@pytest.mark.parametrize("url_name", ["home", "schools:organization_list", "roadmaps:catalogue"])
def test_anonymous_is_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["methodist", "official", "director_a", "director_b", "viewer", "admin"])
@pytest.mark.parametrize("url_name", ["home", "schools:organization_list", "roadmaps:catalogue"])
def test_everyone_signed_in_opens_common_pages(client_for, people, url_name, who):
    assert client_for(people[who]).get(reverse(url_name)).status_code == 200


def test_organization_list_is_scoped(client_for, people, school_a, school_b, other_school):
    page = client_for(people["director_b"]).get(reverse("schools:organization_list")).content.decode()
    assert school_b.short_name in page and school_a.short_name not in page
    page = client_for(people["methodist"]).get(reverse("schools:organization_list")).content.decode()
    assert school_a.short_name in page and school_b.short_name in page and other_school.short_name not in page
    page = client_for(people["viewer"]).get(reverse("schools:organization_list")).content.decode()
    assert other_school.short_name in page


@pytest.mark.parametrize(
    "who, school, status",
    [
        ("director_a", "school_a", 200),
        ("director_a", "school_b", 404),
        ("director_b", "school_a", 404),
        ("director_b", "school_b", 200),
        ("methodist", "school_b", 200),
        ("methodist", "other_school", 404),
        ("official", "other_school", 404),
        ("viewer", "other_school", 200),
        ("admin", "other_school", 200),
    ],
)
def test_organization_card_access(client_for, people, request, who, school, status):
    organization = request.getfixturevalue(school)
    response = client_for(people[who]).get(reverse("schools:organization_detail", args=[organization.pk]))
    assert response.status_code == status
    if status == 404:
        assert "Страница не найдена" in response.content.decode()


def test_organization_search_is_case_insensitive_in_russian(client_for, methodist, school_a, school_b):
    response = client_for(methodist).get(reverse("schools:organization_list"), {"q": "дюрМЕТЬ"})
    page = response.content.decode()
    assert school_b.short_name in page and school_a.short_name not in page


def test_organization_filters_by_rural_and_kind(client_for, methodist, authority, school_a, school_b):
    page = client_for(methodist).get(reverse("schools:organization_list"), {"is_rural": "true"}).content.decode()
    assert school_b.short_name in page and school_a.short_name not in page
    page = client_for(methodist).get(reverse("schools:organization_list"), {"kind": "authority"}).content.decode()
    assert authority.short_name in page and school_a.short_name not in page


def test_htmx_request_gets_only_the_table(client_for, methodist, school_a):
    response = client_for(methodist).get(reverse("schools:organization_list"), HTTP_HX_REQUEST="true")
    assert "<nav" not in response.content.decode()
    assert school_a.short_name in response.content.decode()


def test_navigation_shows_administration_only_to_admin(client_for, people):
    assert "Администрирование" in client_for(people["admin"]).get(reverse("home")).content.decode()
    assert reverse("admin:index") not in client_for(people["methodist"]).get(reverse("home")).content.decode()


def test_admin_site_is_for_administrators_only(client_for, people):
    assert client_for(people["admin"]).get(reverse("admin:schools_organization_changelist")).status_code == 200
    response = client_for(people["methodist"]).get(reverse("admin:schools_organization_changelist"))
    assert response.status_code == 302  # Django admin sends non-staff to its login page


def test_organization_list_query_count_is_flat(client_for, methodist, municipality, django_assert_max_num_queries):
    for number in range(30):
        Organization.objects.create(
            municipality=municipality, code=f"x{number}", kind="school", short_name=f"Школа {number}", full_name=""
        )
    client = client_for(methodist)
    with django_assert_max_num_queries(10):
        client.get(reverse("schools:organization_list"))
