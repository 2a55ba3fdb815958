"""Capabilities named once on `Access`: who may and who may not, one test per capability. The objects
are stand-ins with the attributes a capability reads (a roadmap's owner municipality and state, an
occurrence's organisation), so each rule is checked alone; the access matrix checks the pages."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from config.jobs.models import Job
from schools.access import Access, access_for, enforce
from tests.conftest import make_user

OURS, THEIRS = 1, 2
SCHOOL, OTHER_SCHOOL, AUTHORITY = 10, 11, 12

ADMIN = Access(is_authenticated=True, is_admin=True)
VIEWER = Access(is_authenticated=True, is_viewer=True)
METHODIST = Access(is_authenticated=True, methodist_municipality_ids=frozenset({OURS}))
OFFICIAL = Access(is_authenticated=True, official_municipality_ids=frozenset({OURS}))
DIRECTOR = Access(
    is_authenticated=True, organization_ids=frozenset({SCHOOL}), director_municipality_ids=frozenset({OURS})
)
OUTSIDER = Access(is_authenticated=True, methodist_municipality_ids=frozenset({THEIRS}))
ANONYMOUS = Access()
EVERYONE = {
    "admin": ADMIN,
    "viewer": VIEWER,
    "methodist": METHODIST,
    "official": OFFICIAL,
    "director": DIRECTOR,
    "outsider": OUTSIDER,
    "anonymous": ANONYMOUS,
}


def who(capability) -> set[str]:
    return {name for name, access in EVERYONE.items() if capability(access)}


def roadmap(status="draft", municipality_id=OURS):
    return SimpleNamespace(owner=SimpleNamespace(municipality_id=municipality_id), is_editable=status == "draft")


def assignment(organization_pk=SCHOOL, kind="school", municipality_id=OURS):
    return SimpleNamespace(organization=SimpleNamespace(pk=organization_pk, kind=kind, municipality_id=municipality_id))


def test_works_for_authority_is_staff_and_administrators():
    assert who(lambda a: a.works_for_authority) == {"admin", "methodist", "official", "outsider"}


def test_follows_execution_is_staff_viewers_and_administrators():
    assert who(lambda a: a.follows_execution) == {"admin", "viewer", "methodist", "official", "outsider"}


def test_directs_only_is_a_director_without_other_roles():
    assert who(lambda a: a.directs_only) == {"director"}
    both = Access(is_authenticated=True, organization_ids=frozenset({SCHOOL}), is_viewer=True)
    assert not both.directs_only


def test_can_edit_a_draft_of_our_municipality():
    assert who(lambda a: a.can_edit(roadmap())) == {"admin", "methodist", "official"}


def test_nobody_edits_an_approved_roadmap():
    assert who(lambda a: a.can_edit(roadmap("approved"))) == set()
    # …but its editors still change it by a new version or a copy
    assert who(lambda a: a.can_change(roadmap("approved"))) == {"admin", "methodist", "official"}


def test_can_edit_not_another_municipality():
    assert who(lambda a: a.can_edit(roadmap(municipality_id=THEIRS))) == {"admin", "outsider"}


def test_can_approve_is_officials_of_the_municipality():
    assert who(lambda a: a.can_approve(roadmap("on_approval"))) == {"admin", "official"}
    assert who(lambda a: a.can_approve(roadmap("on_approval", municipality_id=THEIRS))) == {"admin"}


def test_can_work_on_a_school_occurrence_is_its_director_only():
    assert who(lambda a: a.can_work_on(assignment())) == {"director"}
    assert who(lambda a: a.can_work_on(assignment(OTHER_SCHOOL))) == set()


def test_can_work_on_the_authoritys_own_occurrence_is_its_staff():
    own = assignment(AUTHORITY, kind="authority")
    assert who(lambda a: a.can_work_on(own)) == {"admin", "methodist", "official"}


def test_can_review_is_staff_never_the_organisation_itself():
    assert who(lambda a: a.can_review(assignment())) == {"admin", "methodist", "official"}
    directing_methodist = Access(
        is_authenticated=True, methodist_municipality_ids=frozenset({OURS}), organization_ids=frozenset({SCHOOL})
    )
    assert not directing_methodist.can_review(assignment())
    assert directing_methodist.can_review(assignment(OTHER_SCHOOL))


def test_can_manage_monitoring_of_our_municipality():
    assert who(lambda a: a.can_manage_monitoring(OURS)) == {"admin", "methodist", "official"}
    assert who(lambda a: a.can_manage_monitoring(THEIRS)) == {"admin", "outsider"}


def test_can_report_for_own_organisation_or_as_staff():
    school = SimpleNamespace(pk=SCHOOL)
    assert who(lambda a: a.can_report_for(school, OURS)) == {"admin", "methodist", "official", "director"}
    assert who(lambda a: a.can_report_for(SimpleNamespace(pk=OTHER_SCHOOL), OURS)) == {"admin", "methodist", "official"}


def test_enforce_refuses_with_the_russian_message():
    enforce(True, "не показывается")
    with pytest.raises(PermissionDenied, match="Утверждать дорожные карты"):
        enforce(METHODIST.can_approve(roadmap("on_approval")), "Утверждать дорожные карты может только руководитель")


@pytest.mark.django_db
def test_job_for_user_treats_an_admin_membership_like_a_superuser(regional_org, methodist):
    member = make_user("member_admin", regional_org, "admin")  # an ADMIN membership, not a superuser
    assert not member.is_superuser and access_for(member).is_admin
    job = Job.objects.create(kind="t", title="Чужое", task_name="tests.count_to", created_by=methodist)
    assert list(Job.objects.for_user(member)) == [job]
    stranger = make_user("stranger", regional_org, "viewer")
    assert list(Job.objects.for_user(stranger)) == []
    assert list(Job.objects.for_user(methodist)) == [job]


def scoped_models():
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m._default_manager.get_queryset(), "for_user")]


def test_every_for_user_is_the_one_scoped_queryset():
    from schools.access import ScopedQuerySet

    models = scoped_models()
    assert len(models) >= 15
    for model in models:
        queryset_class = type(model._default_manager.get_queryset())
        assert issubclass(queryset_class, ScopedQuerySet), model
        assert queryset_class.for_user is ScopedQuerySet.for_user, f"{model.__name__} writes its own for_user"


@pytest.mark.django_db
def test_nobody_signed_out_sees_any_scoped_row():
    from django.contrib.auth.models import AnonymousUser

    for model in scoped_models():
        assert model._default_manager.for_user(AnonymousUser()).query.is_empty(), model


# --- the region's staff (issue 14): methodists and officials of a regional organisation -------------

REGION, OTHER_REGION = "Саратовская область", "Нижегородская область"
REGIONAL_METHODIST = Access(
    is_authenticated=True, methodist_regions=frozenset({REGION}), region_municipality_ids=frozenset({OURS, THEIRS})
)
REGIONAL_OFFICIAL = Access(
    is_authenticated=True, official_regions=frozenset({REGION}), region_municipality_ids=frozenset({OURS, THEIRS})
)
WITH_REGION = EVERYONE | {"regional_methodist": REGIONAL_METHODIST, "regional_official": REGIONAL_OFFICIAL}


def who_of_region(capability) -> set[str]:
    return {name for name, access in WITH_REGION.items() if capability(access)}


def regional_roadmap(status="draft", region=REGION):
    return SimpleNamespace(
        owner=SimpleNamespace(municipality_id=None, region=region),
        is_editable=status == "draft",
        status=status,
        level="regional",
    )


def test_the_regions_staff_edit_the_regions_own_roadmap():
    assert who_of_region(lambda a: a.can_edit(regional_roadmap())) == {
        "admin",
        "regional_methodist",
        "regional_official",
    }
    assert who_of_region(lambda a: a.can_edit(regional_roadmap(region=OTHER_REGION))) == {"admin"}


def test_only_the_regions_officials_approve_its_roadmap():
    assert who_of_region(lambda a: a.can_approve(regional_roadmap("on_approval"))) == {"admin", "regional_official"}


def test_the_regions_staff_never_edit_a_municipal_roadmap():
    assert who_of_region(lambda a: a.can_edit(roadmap())) == {"admin", "methodist", "official"}
    assert who_of_region(lambda a: a.can_approve(roadmap("on_approval"))) == {"admin", "official"}
    assert who_of_region(lambda a: a.can_review(assignment())) == {"admin", "methodist", "official"}


def test_the_regions_staff_cascade_an_approved_regional_roadmap():
    assert who_of_region(lambda a: a.can_cascade(regional_roadmap("approved"))) == {
        "admin",
        "regional_methodist",
        "regional_official",
    }
    assert who_of_region(lambda a: a.can_cascade(regional_roadmap("draft"))) == set()


def test_the_regions_staff_read_its_municipalities():
    assert REGIONAL_METHODIST.can_read_municipality(THEIRS) and REGIONAL_OFFICIAL.can_read_municipality(OURS)
    assert REGIONAL_METHODIST.follows_execution and REGIONAL_METHODIST.creates_roadmaps
    assert not REGIONAL_METHODIST.works_for_authority  # no imports, registry or review of a municipality


@pytest.mark.django_db
def test_a_regional_membership_adds_no_none_to_municipality_ids(regional_org):
    regional_org.region = REGION
    regional_org.save()
    for role in ("methodist", "official"):
        person = make_user(f"regional_{role}", regional_org, role)
        access = access_for(person)
        assert None not in access.municipality_ids and access.municipality_ids == frozenset()
        assert access.regions == {REGION}


@pytest.mark.django_db
def test_the_municipalities_a_person_manages_are_asked_in_one_place(
    municipality, other_municipality, school_a, other_school, methodist, official, director_a, viewer, admin_user
):
    from schools.models import Municipality, Organization

    def managed(user):
        return set(Municipality.objects.managed_by(user)), set(
            Organization.objects.managed_by(user).values_list("municipality_id", flat=True)
        )

    assert managed(methodist) == managed(official) == ({municipality}, {municipality.pk})
    assert managed(admin_user) == ({municipality, other_municipality}, {municipality.pk, other_municipality.pk, None})
    assert managed(director_a) == managed(viewer) == (set(), set())
