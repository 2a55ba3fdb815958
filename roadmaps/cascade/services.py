"""«Довести до муниципалитетов»: the region brings its approved roadmap (seed 003: each line written
at the regional, municipal and school level) down to the municipalities of its region.

Each municipality gets one draft plan linked to the regional roadmap (`Roadmap.cascaded_from`),
owned by its education authority, with the regional roadmap's sections. In each section, for every
regional line:

- its municipal-level text becomes a measure of the authority («Управление образования (МОУО)»);
- its school-level text becomes the next measure, executed by «Образовательные организации» and
  assigned to every school of the municipality — the usual assignment, so each school finds it among
  its occurrences once the plan is approved, and the municipality's methodists review it as any other.

Both keep their regional line (`Measure.regional_measure`) and the level they come from
(`cascade_level`). A text that is empty or a dash («-», as seed 003 writes «nothing at this level»)
makes no measure. The municipality's methodists then complete deadlines and executors and approve
the plan by their own order (the usual workflow): the region builds the draft but never edits it.

Each municipality is one transaction: a failure stops at that municipality, and publishing again
finishes the rest — a municipality that has its linked plan already is skipped and named so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser as User
from django.db.models import QuerySet

from config.lib.fragments import EXECUTION, ROADMAPS, writes
from roadmaps.models import Assignment, ExecutorKind, Measure, Roadmap
from roadmaps.selectors import roadmap_versions
from roadmaps.services import CASCADE_REFUSED, MeasureSpec, RoadmapStateError, measures_build, section_copy
from schools.access import access_for, enforce
from schools.models import Municipality, Organization

# seed 003 writes «-» where a level has nothing to do
_NOTHING = re.compile(r"^[\s\-–—]*$")
MUNICIPAL_EXECUTOR, SCHOOL_EXECUTOR = "authority", "schools"


def level_text(text: str) -> str:
    """The text of a level, or «» when the line asks nothing of it («-»)."""
    return "" if _NOTHING.match(text or "") else text.strip()


@dataclass
class CascadeResult:
    created: list[str] = field(default_factory=list)  # municipalities that got their draft now
    skipped: list[str] = field(default_factory=list)  # «Ершовский район: черновик уже создан»
    measures: int = 0
    assignments: int = 0

    @property
    def message(self) -> str:
        parts = [f"Создано черновиков муниципальных карт: {len(self.created)}"]
        if self.created:
            parts.append(f"мероприятий: {self.measures}, назначений школам: {self.assignments}")
        if self.skipped:
            parts.append("пропущено: " + "; ".join(self.skipped))
        return "; ".join(parts)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "skipped": self.skipped,
            "measures": self.measures,
            "assignments": self.assignments,
        }


def _check(roadmap: Roadmap, by: User) -> None:
    enforce(access_for(by).can_cascade(roadmap), CASCADE_REFUSED)
    if not roadmap.owner.region:
        raise RoadmapStateError(
            f"У организации «{roadmap.owner.short_name}» не указан субъект РФ: неизвестно, каким муниципалитетам "
            "доводить карту"
        )


def cascade_municipalities(roadmap: Roadmap) -> QuerySet:
    """The municipalities a regional roadmap is brought to: those of its owner's region."""
    return Municipality.objects.filter(region=roadmap.owner.region).order_by("name", "pk")


def _authority(municipality: Municipality) -> Organization | None:
    """The organisation that owns the municipality's plan: its education authority (УО), else its
    methodical service."""
    organizations = Organization.objects.filter(municipality=municipality, is_active=True)
    return (
        organizations.filter(kind=Organization.Kind.AUTHORITY).order_by("pk").first()
        or organizations.filter(kind=Organization.Kind.METHODICAL).order_by("pk").first()
    )


def _specs(regional: Roadmap, draft: Roadmap, by: User, schools: list[Organization]) -> list[MeasureSpec]:
    """The regional roadmap's sections into the draft, and a spec per municipal and school text."""
    kinds = {k.code: k for k in ExecutorKind.objects.filter(code__in=[MUNICIPAL_EXECUTOR, SCHOOL_EXECUTOR])}
    sections = regional.sections.select_related("direction", "function_type").prefetch_related(
        "tracks", "measures__stage"
    )
    specs = []
    for section in sections.order_by("order", "pk"):
        new_section = section_copy(section, into=draft, by=by)
        for measure in section.measures.order_by("order", "pk"):
            for level, text, executor, organizations in (
                (Roadmap.Level.MUNICIPAL, measure.municipal_text, MUNICIPAL_EXECUTOR, []),
                (Roadmap.Level.SCHOOL, measure.school_text, SCHOOL_EXECUTOR, schools),
            ):
                if not level_text(text):
                    continue
                specs.append(
                    MeasureSpec(
                        section=new_section,
                        description=level_text(text),
                        deadline_text=measure.deadline_text,
                        fields={"regional_measure": measure, "cascade_level": level, "stage": measure.stage},
                        executors=[{"executor_kind": kinds[executor], "is_lead": True}] if executor in kinds else [],
                        organizations=organizations,
                    )
                )
    return specs


@writes(ROADMAPS, EXECUTION)
def roadmap_cascade_to(*, roadmap: Roadmap, municipality: Municipality, by: User) -> tuple[Roadmap | None, str]:
    """One municipality's linked draft, in one transaction. Returns (the draft, «») or (None, why it
    was skipped)."""
    roadmap = Roadmap.objects.select_related("owner", "approval_order").get(pk=roadmap.pk)
    _check(roadmap, by)
    # every version of the regional roadmap, as the card reads them: a municipality brought an
    # earlier version already has its plan, and a new regional version must not give it a second
    versions = [version.pk for version in roadmap_versions(roadmap)]
    existing = (
        Roadmap.objects.filter(cascaded_from_id__in=versions, owner__municipality=municipality)
        .select_related("cascaded_from")
        .order_by("-cascaded_from__version", "-version")
        .first()
    )
    if existing is not None:
        earlier = (
            ""
            if existing.cascaded_from_id == roadmap.pk
            else f" по версии {existing.cascaded_from.version} региональной карты; изменения вносятся изменением "
            "муниципальной карты"
        )
        return (
            None,
            f"{municipality.name}: карта уже доведена{earlier} (версия {existing.version}, "
            f"«{existing.get_status_display()}»)",
        )
    owner = _authority(municipality)
    if owner is None:
        return None, f"{municipality.name}: нет органа управления образованием"
    order = roadmap.approval_order
    draft = Roadmap(
        owner=owner,
        level=Roadmap.Level.MUNICIPAL,
        code=roadmap.code,
        title=f"{roadmap.title} — {municipality.name}",
        period_start=roadmap.period_start,
        period_end=roadmap.period_end,
        period_kind=roadmap.period_kind,
        basis_title=f"{roadmap.title} ({roadmap.owner.short_name})",
        basis_number=order.number if order else "",
        basis_date=order.date if order else None,
        approver_position=owner.head_position,
        approver_name=owner.head_name,
        status=Roadmap.Status.DRAFT,
        cascaded_from=roadmap,
        created_by=by,
    )
    draft._history_user = by
    draft.save()
    schools = list(
        Organization.objects.filter(municipality=municipality, kind=Organization.Kind.SCHOOL, is_active=True).order_by(
            "pk"
        )
    )
    measures_build(roadmap=draft, by=by, specs=_specs(roadmap, draft, by, schools), cascade=roadmap)
    return draft, ""


def roadmap_cascade(*, roadmap: Roadmap, by: User, progress: Callable[..., None] | None = None) -> CascadeResult:
    """Bring the regional roadmap to every municipality of its region (one transaction each)."""
    roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap.pk)
    _check(roadmap, by)
    municipalities = list(cascade_municipalities(roadmap))
    result = CascadeResult()
    for done, municipality in enumerate(municipalities, start=1):
        draft, skipped = roadmap_cascade_to(roadmap=roadmap, municipality=municipality, by=by)
        if draft is None:
            result.skipped.append(skipped)
        else:
            result.created.append(municipality.name)
            result.measures += Measure.objects.filter(section__roadmap=draft).count()
            result.assignments += Assignment.objects.filter(measure__section__roadmap=draft).count()
        if progress is not None:
            progress(done, len(municipalities), municipality.name)
    return result
