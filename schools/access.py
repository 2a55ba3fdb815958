"""Who may see and do what. Every queryset a person reaches is scoped through `for_user`,
which reads the person's memberships once per request from here."""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

ADMIN, OFFICIAL, METHODIST, DIRECTOR, VIEWER = "admin", "official", "methodist", "director", "viewer"
# The authority's own organisations (Organization.Kind.AUTHORITY, METHODICAL): their occurrences are
# worked on by the municipality's staff.
AUTHORITY_KINDS = ("authority", "methodical")


@dataclass(frozen=True)
class Access:
    is_authenticated: bool = False
    is_admin: bool = False
    is_viewer: bool = False
    official_municipality_ids: frozenset[int] = frozenset()
    methodist_municipality_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()  # organisations the person directs
    director_municipality_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()
    # Staff (methodists, officials) of a regional organisation (Organization.Kind.REGIONAL): they work
    # on the region's own roadmaps and read, never edit, the municipalities of their region.
    official_regions: frozenset[str] = frozenset()
    methodist_regions: frozenset[str] = frozenset()
    region_municipality_ids: frozenset[int] = frozenset()  # the municipalities of those regions

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.is_viewer

    @property
    def municipality_ids(self) -> frozenset[int]:
        """Municipalities whose every organisation the person sees as its staff."""
        return self.official_municipality_ids | self.methodist_municipality_ids

    @property
    def is_staff_of_authority(self) -> bool:
        return bool(self.municipality_ids)

    @property
    def is_director(self) -> bool:
        return bool(self.organization_ids)

    @property
    def regions(self) -> frozenset[str]:
        """Regions whose regional organisation the person works for (methodist or official)."""
        return self.official_regions | self.methodist_regions

    @property
    def is_regional_staff(self) -> bool:
        return bool(self.regions)

    def organization_q(self, field: str = "organization") -> Q:
        """Rows about an organisation the person sees: any of their municipality's (staff of the
        authority) or their own (directors). Viewers and admins are not filtered at all."""
        return Q(**{f"{field}__municipality_id__in": self.municipality_ids | self.region_municipality_ids}) | Q(
            **{f"{field}_id__in": self.organization_ids}
        )

    @property
    def scope_key(self) -> tuple:
        """What the person may see, as a value: people with equal keys see the same rows (cached
        page fragments are shared between them, never across scopes)."""
        return (
            self.is_admin,
            self.is_viewer,
            tuple(sorted(self.official_municipality_ids)),
            tuple(sorted(self.methodist_municipality_ids)),
            tuple(sorted(self.organization_ids)),
            tuple(sorted(self.director_municipality_ids)),
            tuple(sorted(self.regions)),
        )

    # --- capabilities: every write permission is named here once; views, services and templates
    # (`access` is in every template's context) ask these and nothing else.

    @property
    def works_for_authority(self) -> bool:
        """Administrators and the staff (methodists, officials) of some municipality's authority: they
        create roadmaps, prepare orders, import results and review execution."""
        return self.is_admin or self.is_staff_of_authority

    @property
    def directs_only(self) -> bool:
        """A director and nothing more: their pages show their own organisation."""
        return self.is_director and not self.is_staff_of_authority and not self.sees_everything

    @property
    def follows_execution(self) -> bool:
        """Sees the execution dashboards and the analysis tabs: staff (of a municipality or of the
        region), viewers and administrators."""
        return self.is_staff_of_authority or self.is_regional_staff or self.sees_everything

    @property
    def creates_roadmaps(self) -> bool:
        """Starts a roadmap of their own organisation: the staff of a municipality or of the region."""
        return self.works_for_authority or self.is_regional_staff

    def can_edit_municipality(self, municipality_id: int | None) -> bool:
        """Methodists and officials edit their municipality's drafts; administrators anything."""
        return self.is_admin or municipality_id in self.municipality_ids

    def can_approve_in(self, municipality_id: int | None) -> bool:
        """Officials of the municipality (and administrators) approve its roadmaps and methods."""
        return self.is_admin or municipality_id in self.official_municipality_ids

    def can_manage_monitoring(self, municipality_id: int | None) -> bool:
        """Zoning methods, rules, targeting and data collection of the municipality."""
        return self.can_edit_municipality(municipality_id)

    def can_import_context(self, municipality_id: int | None) -> bool:
        """Loads the schools' context data (contingent, ОВЗ, classes, staffing) of the municipality:
        its methodists and officials. Directors read their own school's only; viewers read."""
        return self.can_edit_municipality(municipality_id)

    @property
    def reads_context(self) -> bool:
        """Opens the context data page: those who follow the analysis, and directors (their own school)."""
        return self.follows_execution or self.is_director

    def can_cluster(self, municipality_id: int | None) -> bool:
        """Chooses the variables and computes the clusters of the municipality's schools."""
        return self.can_manage_monitoring(municipality_id)

    def can_pair_schools(self, municipality_id: int | None) -> bool:
        """Turns a pair of the deficit–resource map into a measure of the municipality's draft roadmap."""
        return self.can_manage_monitoring(municipality_id)

    def can_identify(self, municipality_id: int | None) -> bool:
        """Writes the municipality's ШНРО/ШНСУ identification methods and their criteria and runs
        them for a year: its methodists and officials (and administrators)."""
        return self.can_manage_monitoring(municipality_id)

    def can_approve_identification(self, municipality_id: int | None) -> bool:
        """Approves an identification method or the year's list of ШНРО and ШНСУ (which sets the
        schools' flags): an official of the municipality (and administrators)."""
        return self.can_approve_in(municipality_id)

    @property
    def reads_identification(self) -> bool:
        """Reads the identification pages (methods, lists, history): the staff of a municipality or
        of the region, viewers and administrators. A director sees only their school's own status
        on its card."""
        return self.follows_execution

    def can_compose_spravka(self, municipality_id: int | None) -> bool:
        """Generates an analytic report (справка) of the municipality or one of its schools, regenerates
        the draft and writes its conclusions: the municipality's methodists and officials. A director
        reads their school's approved справка and does not compose one: it compares the school with
        the others."""
        return self.can_edit_municipality(municipality_id)

    def reads_selfassessment(self, municipality_id: int) -> bool:
        """Opens the municipality's self-assessment of its quality-management mechanisms (the matrix
        of directions × cycle stages, what to do next, the report): whoever follows its execution and
        analysis — its staff, the region's staff, viewers and administrators. Not directors: it is an
        assessment of the authority, not of a school."""
        return self.follows_execution and self.can_read_municipality(municipality_id)

    def can_plan_from_selfassessment(self, municipality_id: int) -> bool:
        """Turns a cell below its full mark into a draft measure of the municipality's draft roadmap:
        its methodists and officials (and administrators)."""
        return self.can_edit_municipality(municipality_id)

    def can_edit_for(self, organization) -> bool:
        """Works on the plans and orders of this organisation: a municipal one's municipality staff; a
        regional one's (no municipality) methodists and officials of its region; administrators."""
        if organization.municipality_id is not None:
            return self.can_edit_municipality(organization.municipality_id)
        return self.is_admin or (bool(organization.region) and organization.region in self.regions)

    def edit_for_q(self, field: str = "owner") -> Q:
        """`can_edit_for` as a query over an organisation field: the rows whose plans and orders the
        person works on (the lists behind the home's «мои черновики» filter them so)."""
        if self.is_admin:
            return Q()
        return Q(**{f"{field}__municipality_id__in": self.municipality_ids}) | Q(
            **{f"{field}__municipality__isnull": True, f"{field}__region__in": self.regions}
        )

    def approve_q(self, field: str = "owner") -> Q:
        """`can_approve` as a query: the rows whose organisation's plans and orders the person approves
        (officials of its municipality, or of its region for a regional one)."""
        if self.is_admin:
            return Q()
        return Q(**{f"{field}__municipality_id__in": self.official_municipality_ids}) | Q(
            **{f"{field}__municipality__isnull": True, f"{field}__region__in": self.official_regions}
        )

    def can_change(self, roadmap) -> bool:
        """Whether the person is among those who change this roadmap (whatever its state). The region's
        staff change the region's roadmaps, never a municipality's (its cascaded drafts included)."""
        return self.can_edit_for(roadmap.owner)

    def can_edit(self, roadmap) -> bool:
        """Changes this roadmap now: one of its editors, and the roadmap is a draft (an approved or
        archived roadmap is read-only for everyone; changes go into a new version)."""
        return roadmap.is_editable and self.can_change(roadmap)

    def can_approve(self, roadmap) -> bool:
        """Approves or returns this roadmap: an official of its municipality (of its region, for a
        regional roadmap)."""
        owner = roadmap.owner
        if owner.municipality_id is None:
            return self.is_admin or (bool(owner.region) and owner.region in self.official_regions)
        return self.can_approve_in(owner.municipality_id)

    def can_cascade(self, roadmap) -> bool:
        """Brings («доводит») an approved regional roadmap to the municipalities of its region: the
        region's methodists and officials (and administrators)."""
        return (
            roadmap.level == "regional"
            and roadmap.status == "approved"
            and roadmap.owner.municipality_id is None
            and self.can_change(roadmap)
        )

    def can_follow_region(self, region: str) -> bool:
        """Reads the cascade and its execution across the region's municipalities."""
        return self.sees_everything or region in self.regions

    def can_compare_region(self, region: str) -> bool:
        """Opens «Показатели региона»: every indicator over the region's municipalities and the
        municipalities side by side. The region's staff (its regional organisation's methodists and
        officials), viewers and administrators; a municipality's staff see only the region's value
        beside their own (`sees_region_value`), directors neither."""
        return bool(region) and self.can_follow_region(region)

    @property
    def compares_regions(self) -> bool:
        """Has some region whose «Показатели региона» they open (the link in the tabs and the home)."""
        return self.sees_everything or self.is_regional_staff

    def sees_region_value(self, municipality_id: int) -> bool:
        """Sees the region's value beside the municipality's own on the municipality's overview: whoever
        follows that municipality's analysis (a comparison of public bodies, not of schools)."""
        return self.follows_execution and self.can_read_municipality(municipality_id)

    def can_work_on(self, assignment) -> bool:
        """Adds evidence, ticks actions, submits: the organisation's director; for the authority's own
        occurrences, its methodists and officials."""
        organization = assignment.organization
        if organization.pk in self.organization_ids:
            return True
        return organization.kind in AUTHORITY_KINDS and self.can_edit_municipality(organization.municipality_id)

    def can_review(self, assignment) -> bool:
        """Accepts, returns, reopens: the municipality's methodists and officials (and administrators),
        never the director of the organisation whose evidence it is."""
        organization = assignment.organization
        if organization.pk in self.organization_ids:
            return False
        return self.can_edit_municipality(organization.municipality_id)

    def can_report_for(self, organization, municipality_id: int | None) -> bool:
        """Submits a campaign's values for an organisation: its director or the municipality's staff."""
        return organization.pk in self.organization_ids or self.can_manage_monitoring(municipality_id)

    def fills_form_of(self, organization) -> bool:
        """Fills an organisation's own form in a campaign: its director; for the authority itself,
        the municipality's staff (its methodists and officials)."""
        if organization.pk in self.organization_ids:
            return True
        return organization.kind in AUTHORITY_KINDS and self.can_manage_monitoring(organization.municipality_id)

    def can_answer_recommendation(self, organization) -> bool:
        """Reports what the organisation did on an addressed recommendation: its director."""
        return organization.pk in self.organization_ids

    def can_decide_recommendation(self, organization) -> bool:
        """Decides whether a recommendation was carried out (выполнена / частично / не выполнена):
        the municipality's staff who manage monitoring, never the addressee's own director."""
        return organization.pk not in self.organization_ids and self.can_manage_monitoring(organization.municipality_id)

    def can_analyse_school(self, organization) -> bool:
        """Reads the analysis inside a school (by class, task by task, by ОВЗ, by teacher): its
        director and its municipality's methodists and officials (and administrators). Not the
        regional viewers nor another school: ВПР results are not a rating of schools or teachers,
        and the page is for the school's methodological support."""
        return organization.pk in self.organization_ids or self.can_edit_municipality(organization.municipality_id)

    def can_edit_class_teachers(self, organization) -> bool:
        """Enters or uploads the school's class → teacher list: its director, or the municipality's
        staff helping the school (and administrators)."""
        return self.can_analyse_school(organization)

    def can_describe_assessment(self) -> bool:
        """Enters a work's task maxima and difficulty once, for a work whose files do not carry them:
        the staff of a municipality's authority who import results, and administrators. A work (ВПР
        of a year, subject and grade) is the same federal work everywhere, so its maxima are too."""
        return self.works_for_authority

    def can_read_municipality(self, municipality_id: int) -> bool:
        return (
            self.sees_everything
            or municipality_id in self.municipality_ids
            or municipality_id in self.director_municipality_ids
            or municipality_id in self.region_municipality_ids
        )


ANONYMOUS = Access()


def enforce(allowed: bool, message: str) -> None:
    """How a service enforces a capability: the refusal names, in Russian, who may do it."""
    if not allowed:
        raise PermissionDenied(message)


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_muko_access", None)
    if cached is not None:
        return cached
    # Through the user's reverse relation: this module names the roles, the models use it, and it
    # does not import them back.
    rows = user.memberships.values_list(
        "role", "organization_id", "organization__municipality_id", "organization__region"
    )
    roles, official, methodist, directed, directed_municipalities = set(), set(), set(), set(), set()
    official_regions, methodist_regions = set(), set()
    for role, organization_id, municipality_id, region in rows:
        roles.add(role)
        # A regional organisation has no municipality: its staff are staff of its region (a
        # `None` among municipality ids would have let them edit every regional organisation's plans).
        if role in (OFFICIAL, METHODIST):
            if municipality_id is not None:
                (official if role == OFFICIAL else methodist).add(municipality_id)
            else:
                (official_regions if role == OFFICIAL else methodist_regions).add(region)
        elif role == DIRECTOR:
            directed.add(organization_id)
            if municipality_id is not None:
                directed_municipalities.add(municipality_id)
    # a regional organisation whose region is not filled in gives no region at all
    official_regions.discard("")
    methodist_regions.discard("")
    regions = official_regions | methodist_regions
    region_municipalities = frozenset()
    if regions:
        # by name, not import: the models of this app import this module
        municipalities = apps.get_model("schools", "Municipality").objects
        region_municipalities = frozenset(municipalities.filter(region__in=regions).values_list("pk", flat=True))
    access = Access(
        is_authenticated=True,
        is_admin=user.is_superuser or ADMIN in roles,
        is_viewer=VIEWER in roles,
        official_municipality_ids=frozenset(official),
        methodist_municipality_ids=frozenset(methodist),
        organization_ids=frozenset(directed),
        director_municipality_ids=frozenset(directed_municipalities),
        roles=frozenset(roles),
        official_regions=frozenset(official_regions),
        methodist_regions=frozenset(methodist_regions),
        region_municipality_ids=region_municipalities,
    )
    user._muko_access = access
    return access


def staff_of(organization, *roles: str):
    """The active people who hold one of `roles` (OFFICIAL, METHODIST) for this organisation's plans,
    as `access_for` counts them: in any organisation of its municipality, or, for a regional
    organisation (no municipality), in a regional organisation of its region. Administrators are
    not among them: they may do anything, and are told of nothing in particular.

    `staff_of(roadmap.owner, OFFICIAL)` are those `can_approve(roadmap)` names (who is told that a
    roadmap waits for approval)."""
    users = get_user_model().objects.filter(is_active=True)
    if organization.municipality_id is not None:
        where = Q(memberships__organization__municipality_id=organization.municipality_id)
    elif organization.region:
        where = Q(
            memberships__organization__municipality__isnull=True, memberships__organization__region=organization.region
        )
    else:
        return users.none()
    # One filter(): the role and the place must be those of the same membership.
    return users.filter(where, memberships__role__in=roles).distinct()


class ScopedQuerySet(models.QuerySet):
    """The one `for_user`: nobody signed in sees nothing; administrators and viewers see every row
    unless the model says otherwise (`everything_for_those_who_see_everything = False`: personal rows
    such as notifications); everyone else sees what the model's `scope` hook returns."""

    everything_for_those_who_see_everything = True

    def for_user(self, user):
        access = access_for(user)
        if not access.is_authenticated:
            return self.none()
        if access.sees_everything and self.everything_for_those_who_see_everything:
            return self
        return self.scope(access, user)

    def scope(self, access: Access, user):
        """The rows this person sees (neither an administrator nor a viewer): each model names them."""
        raise NotImplementedError(f"{type(self).__name__} must say which rows a person sees")
