"""Who may see and do what. Every queryset a person reaches is scoped through `for_user`,
which reads the person's memberships once per request from here."""

from dataclasses import dataclass

from django.db.models import Q

ADMIN, OFFICIAL, METHODIST, DIRECTOR, VIEWER = "admin", "official", "methodist", "director", "viewer"


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

    def organization_q(self, field: str = "organization") -> Q:
        """Rows about an organisation the person sees: any of their municipality's (staff of the
        authority) or their own (directors). Viewers and admins are not filtered at all."""
        return Q(**{f"{field}__municipality_id__in": self.municipality_ids}) | Q(
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
        )

    def can_edit_municipality(self, municipality_id: int) -> bool:
        """Methodists and officials edit their municipality's drafts; administrators anything."""
        return self.is_admin or municipality_id in self.municipality_ids

    def can_approve_in(self, municipality_id: int) -> bool:
        return self.is_admin or municipality_id in self.official_municipality_ids

    def can_read_municipality(self, municipality_id: int) -> bool:
        return (
            self.sees_everything
            or municipality_id in self.municipality_ids
            or municipality_id in self.director_municipality_ids
        )


ANONYMOUS = Access()


def access_for(user) -> Access:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_muko_access", None)
    if cached is not None:
        return cached
    # Through the user's reverse relation: this module names the roles, the models use it, and it
    # does not import them back.
    rows = user.memberships.values_list("role", "organization_id", "organization__municipality_id")
    roles, official, methodist, directed, directed_municipalities = set(), set(), set(), set(), set()
    for role, organization_id, municipality_id in rows:
        roles.add(role)
        if role == OFFICIAL:
            official.add(municipality_id)
        elif role == METHODIST:
            methodist.add(municipality_id)
        elif role == DIRECTOR:
            directed.add(organization_id)
            directed_municipalities.add(municipality_id)
    access = Access(
        is_authenticated=True,
        is_admin=user.is_superuser or ADMIN in roles,
        is_viewer=VIEWER in roles,
        official_municipality_ids=frozenset(official),
        methodist_municipality_ids=frozenset(methodist),
        organization_ids=frozenset(directed),
        director_municipality_ids=frozenset(directed_municipalities),
        roles=frozenset(roles),
    )
    user._muko_access = access
    return access
