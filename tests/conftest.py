"""Shared fixtures: the three people of CONVENTIONS.md (a methodist of the municipality, the
director of school A, the director of school B) plus an official, a viewer, an administrator
and a second municipality whose objects nobody of the first may see."""

import pytest
from django.contrib.auth import get_user_model

from config.lib.fragments import TOPICS, versions_bump
from roadmaps.catalogue import catalogue_load
from schools.models import Membership, Municipality, Organization

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def _fresh_fragments():
    """Every test starts with new data versions: a test database's keys repeat after a rollback,
    and a page fragment cached by one test must not be served to the next. (Not cache.clear():
    in CI both xdist workers share one Redis database.)"""
    versions_bump(*TOPICS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        catalogue_load()


@pytest.fixture
def municipality(db):
    return Municipality.objects.create(name="Новоузенский муниципальный район", region="Саратовская область")


@pytest.fixture
def other_municipality(db):
    return Municipality.objects.create(name="Ершовский муниципальный район", region="Саратовская область")


def make_organization(municipality, code, name, kind=Organization.Kind.SCHOOL, **extra) -> Organization:
    return Organization.objects.create(
        municipality=municipality, code=code, kind=kind, short_name=name, full_name=name, **extra
    )


@pytest.fixture
def authority(municipality):
    return make_organization(municipality, "uo1", "Управление образования", Organization.Kind.AUTHORITY)


@pytest.fixture
def school_a(municipality):
    return make_organization(municipality, "sch000101", "СОШ № 1")


@pytest.fixture
def school_b(municipality):
    return make_organization(municipality, "sch000102", "СОШ с. Дюрметь", is_rural=True)


@pytest.fixture
def other_school(other_municipality):
    return make_organization(other_municipality, "sch999901", "СОШ № 1 г. Ершова")


@pytest.fixture
def regional_org(db):
    return Organization.objects.create(
        municipality=None,
        code="min",
        kind=Organization.Kind.REGIONAL,
        short_name="Министерство",
        full_name="Министерство",
    )


def make_user(username, organization, role, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture
def methodist(authority):
    return make_user("methodist", authority, Membership.Role.METHODIST, last_name="Кузнецова", first_name="Елена")


@pytest.fixture
def official(authority):
    return make_user("official", authority, Membership.Role.OFFICIAL, last_name="Разуваева", first_name="Татьяна")


@pytest.fixture
def director_a(school_a):
    return make_user("director_a", school_a, Membership.Role.DIRECTOR)


@pytest.fixture
def director_b(school_b):
    return make_user("director_b", school_b, Membership.Role.DIRECTOR)


@pytest.fixture
def viewer(regional_org):
    return make_user("viewer", regional_org, Membership.Role.VIEWER)


@pytest.fixture
def admin_user(regional_org):
    user = make_user("admin", regional_org, Membership.Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that person (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
