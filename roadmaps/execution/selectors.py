"""Reads of execution: a person's occurrences, the review queue and the dashboards.

Every read starts from `Assignment.objects.for_user(user)`; dashboards count with SQL aggregates
(one query per table on the page), never row by row in Python."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from config.lib.fragments import EXECUTION, ROADMAPS, fragment
from roadmaps.execution.state import STATE_LABELS, STATE_ORDER, State, counted, for_roadmap, state_q, with_state
from roadmaps.models import Assignment, Evidence, ReviewDecision, Roadmap, Section
from roadmaps.table import number_measures, section_labels
from schools.access import AUTHORITY_KINDS, access_for
from schools.models import Municipality, Organization

OVERDUE_SHOWN = (
    100  # the dashboard lists the earliest overdue occurrences; the full list is filtered on /execution/all/
)
HOME_SHOWN = 5  # rows per group on the director's home; the group's counter leads to the rest
MONTHS = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip


def _list_related(queryset: QuerySet) -> QuerySet:
    # A subquery, not a JOIN + GROUP BY: with a LIMIT the database then sorts and cuts the rows
    # first and counts documents only for the rows it returns (region scale: 200k occurrences).
    evidence_count = (
        Evidence.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment").annotate(n=Count("pk"))
    )
    return queryset.select_related("measure__section__roadmap", "measure__section__direction", "organization").annotate(
        evidence_count=Coalesce(Subquery(evidence_count.values("n")), 0)
    )


def my_assignments_base(user) -> QuerySet:
    """Occurrences the person reports on: their organisation's, or the authority's own for its staff."""
    access = access_for(user)
    scope = Q(organization_id__in=access.organization_ids) | Q(
        organization__municipality_id__in=access.municipality_ids, organization__kind__in=AUTHORITY_KINDS
    )
    return with_state(counted(Assignment.objects.for_user(user)).filter(scope))


@dataclass
class AssignmentFilters:
    state: str = ""
    month: str = ""  # YYYY-MM
    direction: int | None = None
    roadmap: int | None = None
    organization: int | None = None
    municipality: int | None = None
    resubmitted: str = ""  # "1": only occurrences handed in again after being returned

    @classmethod
    def from_query(cls, query) -> "AssignmentFilters":
        def number(name):
            value = query.get(name, "")
            return int(value) if value.isdigit() else None

        state = query.get("state", "")
        month = query.get("month", "")
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit() or not 1 <= int(month[5:]) <= 12:
            month = ""
        return cls(
            state=state if state in STATE_LABELS else "",
            month=month,
            direction=number("direction"),
            roadmap=number("roadmap"),
            organization=number("organization"),
            municipality=number("municipality"),
            resubmitted="1" if query.get("resubmitted") == "1" else "",
        )

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.state:
            queryset = queryset.filter(state=self.state)
        if self.month:
            queryset = queryset.filter(due_date__year=int(self.month[:4]), due_date__month=int(self.month[5:]))
        if self.direction:
            queryset = queryset.filter(measure__section__direction_id=self.direction)
        if self.roadmap:
            queryset = queryset.filter(measure__section__roadmap_id=self.roadmap)
        if self.organization:
            queryset = queryset.filter(organization_id=self.organization)
        if self.municipality:
            queryset = queryset.filter(organization__municipality_id=self.municipality)
        if self.resubmitted:
            returned = ReviewDecision.objects.filter(
                assignment=OuterRef("pk"), decision=ReviewDecision.Decision.RETURNED
            )
            queryset = queryset.filter(Exists(returned))
        return queryset


def _nearest_first(queryset: QuerySet) -> QuerySet:
    return _list_related(queryset).order_by(
        F("due_date").asc(nulls_last=True), "measure__section__order", "measure__order", "pk"
    )


def my_assignments(user, filters: AssignmentFilters | None = None) -> QuerySet:
    """The director's list: nearest deadlines first, undated ones last."""
    return _nearest_first((filters or AssignmentFilters()).apply(my_assignments_base(user)))


def _summary(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.values("state").annotate(n=Count("pk")).order_by()
    counts = {row["state"]: row["n"] for row in rows}
    return {"total": sum(counts.values()), **{state: counts.get(state, 0) for state in STATE_ORDER}}


def my_summary(user) -> dict[str, int]:
    """Counts by state for the tabs above the list (one query)."""
    return _summary(my_assignments_base(user))


@dataclass
class HomeGroup:
    """One state on the director's home: its counter, and its nearest rows by roadmap."""

    state: str
    label: str
    count: int
    url: str
    roadmaps: list[tuple[Roadmap, list[Assignment]]]

    @property
    def more(self) -> int:
        return self.count - sum(len(rows) for _, rows in self.roadmaps)


HOME_GROUPS = [State.RETURNED, State.OVERDUE, State.DUE_SOON, State.PLANNED]


def home_groups(user, summary: dict[str, int], limit: int = HOME_SHOWN) -> list[HomeGroup]:
    """What the director has to act on, in that order: returned, overdue, due soon, not yet
    submitted (the handed-in and accepted ones are counters leading to the list). Each group
    shows its nearest `limit` rows, the roadmap named once above its rows."""
    groups = []
    base = my_assignments_base(user)
    for state in HOME_GROUPS:
        if not summary.get(state):
            continue
        by_roadmap: dict[int, tuple[Roadmap, list[Assignment]]] = {}
        items = list(_nearest_first(base.filter(state=state))[:limit])
        number_measures(item.measure for item in items)
        for item in items:
            roadmap = item.measure.section.roadmap
            by_roadmap.setdefault(roadmap.pk, (roadmap, []))[1].append(item)
        groups.append(
            HomeGroup(
                state=state,
                label=STATE_LABELS[state],
                count=summary[state],
                url=list_url("execution:my", state=state),
                roadmaps=list(by_roadmap.values()),
            )
        )
    return groups


def list_url(name: str, **filters) -> str:
    """The URL of a list filtered as given (what every counter links to)."""
    query = urlencode({key: value for key, value in filters.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def execution_list_base(user, filters: AssignmentFilters) -> QuerySet:
    """Every occurrence the person may see, as the dashboards count them: those of approved
    roadmaps, or of the one roadmap asked for (whatever its status)."""
    visible = Assignment.objects.for_user(user)
    base = for_roadmap(visible, filters.roadmap) if filters.roadmap else counted(visible)
    return with_state(base)


def execution_list(user, filters: AssignmentFilters) -> QuerySet:
    """The list behind the dashboards' counters: nearest deadlines first."""
    return _nearest_first(filters.apply(execution_list_base(user, filters)))


def execution_list_summary(user, filters: AssignmentFilters) -> dict[str, int]:
    """Counts by state of the list with every filter but the state (its tabs)."""
    return _summary(AssignmentFilters(**{**filters.__dict__, "state": ""}).apply(execution_list_base(user, filters)))


@dataclass
class CalendarDay:
    day: date | None
    items: list = field(default_factory=list)
    is_today: bool = False


def month_calendar(user, year: int, month: int, filters: AssignmentFilters | None = None) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month with the person's occurrences due on each day."""
    filters = filters or AssignmentFilters()
    filters.month = f"{year:04d}-{month:02d}"
    items = list(my_assignments(user, filters))
    number_measures(item.measure for item in items)
    by_day: dict[date, list] = {}
    for item in items:
        by_day.setdefault(item.due_date, []).append(item)
    today = timezone.localdate()
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    day=d if d.month == month else None,
                    items=by_day.get(d, []) if d.month == month else [],
                    is_today=d == today,
                )
                for d in week
            ]
        )
    return weeks


def assignment_get(*, user, pk: int) -> Assignment:
    """One occurrence with its evidence and history, or 404 if the person may not see it."""
    queryset = (
        with_state(Assignment.objects.for_user(user))
        .select_related(
            "measure__section__roadmap__owner",
            "measure__section__direction",
            "organization__municipality",
            "submitted_by",
        )
        .prefetch_related(
            "measure__evidence_kinds",
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("kind", "uploaded_by").order_by("uploaded_at", "pk"),
            ),
            Prefetch(
                "decisions", queryset=ReviewDecision.objects.select_related("decided_by").order_by("decided_at", "pk")
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def evidence_get(*, user, pk: int) -> Evidence:
    """Evidence of an occurrence the person may see; 404 otherwise (another school's file too)."""
    visible = Assignment.objects.for_user(user).values("pk")
    return get_object_or_404(
        Evidence.objects.select_related("assignment__organization", "assignment__measure__section__roadmap", "kind"),
        pk=pk,
        assignment_id__in=visible,
    )


def evidence_checklist(assignment: Assignment) -> list[dict]:
    """The measure's required evidence kinds, each ticked when a document of that kind is there."""
    present = {evidence.kind_id for evidence in assignment.evidence.all()}
    return [{"kind": kind, "done": kind.pk in present} for kind in assignment.measure.evidence_kinds.all()]


def actions_checklist(assignment: Assignment) -> list[dict]:
    done = set(assignment.actions_done or [])
    return [{"index": i, "text": text, "done": i in done} for i, text in enumerate(assignment.measure.actions or [])]


def review_queue(user, filters: AssignmentFilters | None = None) -> QuerySet:
    """Submitted occurrences of the municipalities the person reviews, oldest submission first."""
    access = access_for(user)
    queryset = with_state(counted(Assignment.objects.for_user(user))).filter(
        state_q(State.SUBMITTED), organization__in=Organization.objects.managed_by(user)
    )
    queryset = queryset.exclude(organization_id__in=access.organization_ids)
    queryset = (filters or AssignmentFilters()).apply(queryset)
    return _list_related(queryset).select_related("submitted_by").order_by("submitted_at", "pk")


# --- dashboards -----------------------------------------------------------------------------


COUNTED = ("total", *STATE_ORDER)


def _counts(today: date) -> dict:
    return {
        "total": Count("pk"),
        **{state: Count("pk", filter=state_q(state, today)) for state in STATE_ORDER},
    }


@dataclass
class Progress:
    label: str
    total: int
    returned: int
    overdue: int
    due_soon: int
    planned: int
    submitted: int
    accepted: int
    pk: int | None = None
    url: str = ""

    @property
    def in_work(self) -> int:
        """Still to hand in and not late: returned, due soon and planned."""
        return self.returned + self.due_soon + self.planned

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0

    @property
    def behind_share(self) -> float:
        return self.overdue / self.total if self.total else 0.0

    def segments(self, width: int = 300) -> list[dict]:
        """Bar segments for the SVG (accepted, submitted, in work, overdue) in pixels."""
        if not self.total:
            return []
        parts = [
            ("accepted", self.accepted, "Принято"),
            ("submitted", self.submitted, "На проверке"),
            ("planned", self.in_work, "В работе"),
            ("overdue", self.overdue, "Просрочено"),
        ]
        x, segments = 0.0, []
        for css, value, title in parts:
            w = width * value / self.total
            if value:
                segments.append({"css": css, "x": round(x, 2), "w": round(w, 2), "value": value, "title": title})
            x += w
        return segments


def _progress_rows(queryset: QuerySet, key: str, label: str, today: date) -> list[Progress]:
    rows = queryset.values(key, label).annotate(**_counts(today)).order_by()
    return [Progress(label=row[label] or "—", pk=row[key], **{name: row[name] for name in COUNTED}) for row in rows]


def progress_by(queryset: QuerySet, key: str, label: str) -> dict[int, Progress]:
    """{value of `key`: its Progress} over the occurrences of `queryset`, in one aggregate query
    (the cascade's card and dashboard count per municipality with it)."""
    return {p.pk: p for p in _progress_rows(queryset, key, label, timezone.localdate())}


@dataclass
class Tile:
    state: str
    label: str
    count: int
    url: str


@dataclass
class Dashboard:
    title: str
    total: Progress
    groups: list[Progress]
    groups_title: str
    organizations: list[Progress]
    behind: list[Progress]
    overdue: list
    tiles: list[Tile] = field(default_factory=list)
    total_url: str = ""


def _named(counts: list[int]) -> dict[str, int]:
    return dict(zip(COUNTED, counts, strict=True))


def state_tabs(summary: dict[str, int], name: str, filters: AssignmentFilters) -> list[Tile]:
    """Counters above a list, each the same list filtered by its state (the others kept)."""
    kept = {key: value for key, value in filters.__dict__.items() if key != "state"}
    return [
        Tile(state, STATE_LABELS[state], summary[state], list_url(name, state=state, **kept)) for state in STATE_ORDER
    ]


def _tiles(total: Progress, **filters) -> list[Tile]:
    """The dashboard's counters, each a link to the list of those occurrences."""
    return [
        Tile(state, STATE_LABELS[state], getattr(total, state), list_url("execution:list", state=state, **filters))
        for state in STATE_ORDER
    ]


def _dashboard(
    queryset: QuerySet, *, user, key: tuple, title: str, groups_key: str, group_names, groups_title: str, filters: dict
) -> Dashboard:
    """One GROUP BY organisation × group (a region's roadmap: 200k occurrences, 8k cells); the
    organisation rows, the group rows and the total are sums of those cells. The cells are
    cached per version of the plans and of execution, for everyone of the person's scope; names
    and the overdue list are read fresh. `group_names(pks)` gives the groups' names in the order
    they are shown; `filters` are those of the list behind the counters."""
    today = timezone.localdate()
    width = len(COUNTED)
    cells = fragment(
        "execution-state-cells",  # seven counts a cell (the five-count cells of before are not read)
        (key, access_for(user).scope_key, today),
        [ROADMAPS, EXECUTION],
        lambda: list(queryset.values_list("organization_id", groups_key).annotate(**_counts(today)).order_by()),
    )
    by_organization: dict[int, list[int]] = {}
    by_group: dict[int, list[int]] = {}
    for organization_id, group_id, *counts in cells:
        for target in (
            by_organization.setdefault(organization_id, [0] * width),
            by_group.setdefault(group_id, [0] * width),
        ):
            for i, n in enumerate(counts):
                target[i] += n
    names = dict(Organization.objects.filter(pk__in=list(by_organization)).values_list("pk", "short_name"))
    organizations = sorted(
        (
            Progress(
                label=names.get(pk) or "—",
                pk=pk,
                url=list_url("execution:list", **filters, organization=pk),
                **_named(n),
            )
            for pk, n in by_organization.items()
        ),
        key=lambda p: p.label,
    )
    labels = group_names(list(by_group))
    order = {pk: i for i, pk in enumerate(labels)}
    groups = sorted(
        (Progress(label=labels.get(pk) or "—", pk=pk, **_named(n)) for pk, n in by_group.items()),
        key=lambda p: order.get(p.pk, len(order)),
    )
    totals = [sum(n[i] for n in by_organization.values()) for i in range(width)]
    behind = sorted(
        (p for p in organizations if p.overdue), key=lambda p: (-p.behind_share, -p.overdue, p.percent, p.label)
    )[:10]
    overdue = list(
        _list_related(with_state(queryset, today).filter(state=State.OVERDUE)).order_by("due_date", "pk")[
            :OVERDUE_SHOWN
        ]
    )
    number_measures(a.measure for a in overdue)
    total = Progress(label=title, **_named(totals))
    return Dashboard(
        title=title,
        total=total,
        groups=groups,
        groups_title=groups_title,
        organizations=organizations,
        behind=behind,
        overdue=overdue,
        tiles=_tiles(total, **filters),
        total_url=list_url("execution:list", **filters),
    )


def _section_names(roadmap: Roadmap, pks: list[int]) -> dict[int, str]:
    """The sections named and ordered as the roadmap's table shows them, with their tracks: several
    sections of one direction differ only by the track («1.1. Система оценки … — трек: …»)."""
    tracks: dict[int, list[str]] = {}
    links = Section.tracks.through.objects.filter(section_id__in=pks).order_by("track__order", "track_id")
    for section_id, title in links.values_list("section_id", "track__title"):
        tracks.setdefault(section_id, []).append(title)
    return {
        pk: f"{label} — трек: {'; '.join(tracks[pk])}" if pk in tracks else label
        for pk, label in section_labels(roadmap).items()
        if pk in pks
    }


def roadmap_dashboard(*, user, pk: int) -> tuple[Roadmap, Dashboard]:
    roadmap = get_object_or_404(Roadmap.objects.for_user(user).select_related("owner"), pk=pk)
    queryset = for_roadmap(Assignment.objects.for_user(user), roadmap.pk)
    dashboard = _dashboard(
        queryset,
        user=user,
        key=("roadmap", roadmap.pk),
        title=str(roadmap),
        groups_key="measure__section_id",
        group_names=lambda pks: _section_names(roadmap, pks),
        groups_title="По разделам",
        filters={"roadmap": roadmap.pk},
    )
    return roadmap, dashboard


def municipality_dashboard(*, user, pk: int) -> tuple[Municipality, Dashboard]:
    municipality = get_object_or_404(Municipality.objects.for_user(user), pk=pk)
    queryset = counted(Assignment.objects.for_user(user)).filter(organization__municipality=municipality)
    dashboard = _dashboard(
        queryset,
        user=user,
        key=("municipality", municipality.pk),
        title=str(municipality),
        groups_key="measure__section__roadmap_id",
        group_names=lambda pks: dict(
            Roadmap.objects.filter(pk__in=pks).order_by("title", "pk").values_list("pk", "title")
        ),
        groups_title="По дорожным картам",
        filters={"municipality": municipality.pk},
    )
    return municipality, dashboard


def execution_overview(user) -> list[Progress]:
    """Approved roadmaps the person sees, with their execution progress (one aggregate query)."""
    today = timezone.localdate()
    queryset = counted(Assignment.objects.for_user(user))
    rows = _progress_rows(queryset, "measure__section__roadmap_id", "measure__section__roadmap__title", today)
    return sorted(rows, key=lambda p: p.label)


def visible_municipalities(user) -> QuerySet:
    access = access_for(user)
    queryset = Municipality.objects.for_user(user)
    if not access.sees_everything:
        # the region's staff follow every municipality of their region
        queryset = queryset.filter(pk__in=access.municipality_ids | access.region_municipality_ids)
    return queryset
