"""Reads of the cascade, up the chain: what each municipality made of a regional roadmap and of each of
its lines, and how its schools execute it.

Scoped like everything else: the municipalities are those the person sees (`Municipality.for_user`)
among the roadmap's region, the linked plans those of `Roadmap.for_user`, the occurrences those of
`Assignment.for_user` — so the region's staff read every municipality of the region, and a
municipality's staff only their own links. Execution is counted by the one rule of
`roadmaps.execution.state`: the occurrences of approved plans (`counted`), in their state."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from roadmaps.execution.selectors import Progress, progress_by
from roadmaps.execution.state import counted
from roadmaps.models import Assignment, Measure, Roadmap
from roadmaps.selectors import roadmap_get, roadmap_versions
from roadmaps.table import number_measures
from schools.models import Municipality

EMPTY = {"total": 0, "returned": 0, "overdue": 0, "due_soon": 0, "planned": 0, "submitted": 0, "accepted": 0}


@dataclass
class MunicipalityLink:
    """One municipality's row: its linked plan (None: not brought down yet), the linked measures
    and the execution of their occurrences."""

    municipality: Municipality
    roadmap: Roadmap | None
    progress: Progress
    measures: list[Measure] = field(default_factory=list)
    measure_count: int = 0


def _regional(user, pk: int) -> Roadmap:
    roadmap = roadmap_get(user=user, pk=pk)
    if roadmap.level != Roadmap.Level.REGIONAL or roadmap.owner.municipality_id is not None:
        raise Http404("Это не региональная дорожная карта")
    return roadmap


def _municipalities(user, regional: Roadmap) -> list[Municipality]:
    return list(Municipality.objects.for_user(user).filter(region=regional.owner.region).order_by("name", "pk"))


def _plans(user, regional: Roadmap, municipalities: list[Municipality]) -> dict[int, Roadmap]:
    """{municipality pk: its current plan made from the regional roadmap (any of its versions)}: the
    approved version while there is one (its occurrences are the ones executed), else the latest."""
    plans = (
        Roadmap.objects.for_user(user)
        .filter(
            cascaded_from__in=[version.pk for version in roadmap_versions(regional)],
            owner__municipality__in=municipalities,
        )
        .exclude(status=Roadmap.Status.ARCHIVED)
        .select_related("owner")
    )
    current: dict[int, Roadmap] = {}
    for plan in plans:
        municipality_id = plan.owner.municipality_id
        best = current.get(municipality_id)
        if best is None or _currency(plan) > _currency(best):
            current[municipality_id] = plan
    return current


def _currency(plan: Roadmap) -> tuple:
    return (plan.status == Roadmap.Status.APPROVED, plan.version, plan.pk)


def _progress(municipality: Municipality, by_municipality: dict[int, Progress]) -> Progress:
    return by_municipality.get(municipality.pk) or Progress(label=municipality.name, pk=municipality.pk, **EMPTY)


def cascade_dashboard(*, user, pk: int) -> tuple[Roadmap, list[MunicipalityLink], Progress]:
    """The regional roadmap's municipalities: each one's plan, its status and its execution."""
    regional = _regional(user, pk)
    municipalities = _municipalities(user, regional)
    plans = _plans(user, regional, municipalities)
    occurrences = counted(Assignment.objects.for_user(user)).filter(measure__section__roadmap__in=list(plans.values()))
    by_municipality = progress_by(occurrences, "organization__municipality_id", "organization__municipality__name")
    counts = dict(
        Measure.objects.filter(section__roadmap__in=list(plans.values()))
        .values("section__roadmap__owner__municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("section__roadmap__owner__municipality_id", "n")
    )
    rows = [
        MunicipalityLink(
            municipality=m,
            roadmap=plans.get(m.pk),
            progress=_progress(m, by_municipality),
            measure_count=counts.get(m.pk, 0),
        )
        for m in municipalities
    ]
    total = Progress(label="Всего", **{name: sum(getattr(row.progress, name) for row in rows) for name in EMPTY})
    return regional, rows, total


def regional_measure_card(*, user, pk: int) -> tuple[Measure, list[MunicipalityLink]]:
    """A regional measure and, per municipality the person sees, the measures made from it (by its
    key, so a new version of either plan keeps the thread), their plan's status and execution."""
    visible = Measure.objects.filter(section__roadmap__in=Roadmap.objects.for_user(user))
    measure = get_object_or_404(visible.select_related("section__roadmap__owner", "stage"), pk=pk)
    regional = measure.section.roadmap
    if regional.level != Roadmap.Level.REGIONAL or regional.owner.municipality_id is not None:
        raise Http404("Это не мероприятие региональной дорожной карты")
    number_measures([measure])
    municipalities = _municipalities(user, regional)
    plans = _plans(user, regional, municipalities)
    linked = list(
        Measure.objects.filter(regional_measure__key=measure.key, section__roadmap__in=list(plans.values()))
        .select_related("section__roadmap__owner")
        .order_by("section__order", "order", "pk")
    )
    number_measures(linked)
    by_plan: dict[int, list[Measure]] = {}
    for m in linked:
        by_plan.setdefault(m.section.roadmap.owner.municipality_id, []).append(m)
    occurrences = counted(Assignment.objects.for_user(user)).filter(
        measure__in=[m for ms in by_plan.values() for m in ms]
    )
    by_municipality = progress_by(occurrences, "organization__municipality_id", "organization__municipality__name")
    rows = [
        MunicipalityLink(
            municipality=m,
            roadmap=plans.get(m.pk),
            progress=_progress(m, by_municipality),
            measures=by_plan.get(m.pk, []),
            measure_count=len(by_plan.get(m.pk, [])),
        )
        for m in municipalities
    ]
    return measure, rows
