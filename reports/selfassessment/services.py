"""Writes of the self-assessment: the one step from a cell below its full mark to a plan — a draft
measure of that direction and stage in the municipality's draft roadmap, built like every measure
(roadmaps.services.measure_create)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from config.lib.fragments import EXECUTION, ROADMAPS, writes
from config.lib.years import academic_year_label, academic_year_window
from reports.selfassessment.selectors import Cell
from roadmaps.models import Direction, Measure, Roadmap, Section, StageRequirement, StepTemplate
from roadmaps.services import EDIT_REFUSED, measure_create, roadmap_amend, section_create
from schools.access import access_for, enforce
from schools.models import Municipality


def _covering(municipality: Municipality, year: int, status: str, direction: Direction | None):
    """The municipality's roadmap in `status` that covers the year: one with a section of the
    direction first, then the latest made."""
    start, end = academic_year_window(year)
    roadmaps = Roadmap.objects.filter(
        owner__municipality=municipality,
        level=Roadmap.Level.MUNICIPAL,
        status=status,
        period_start__lte=end,
        period_end__gte=start,
    ).select_related("owner")
    if direction is not None:
        with_direction = roadmaps.filter(sections__direction=direction).distinct().order_by("-created_at", "-pk")
        if (found := with_direction.first()) is not None:
            return found
    return roadmaps.order_by("-created_at", "-pk").first()


def draft_for(municipality: Municipality, year: int, direction: Direction | None = None) -> Roadmap | None:
    """The municipality's draft roadmap that covers the year (a new one, or changes to an approved one)."""
    return _covering(municipality, year, Roadmap.Status.DRAFT, direction)


def plan_for(municipality: Municipality, year: int, direction: Direction | None = None) -> Roadmap | None:
    """Where a measure from the self-assessment goes: the draft that covers the year, else the approved
    roadmap that does (changes to it are started then), else nothing."""
    return draft_for(municipality, year, direction) or _covering(municipality, year, Roadmap.Status.APPROVED, direction)


def no_plan_message(year: int) -> str:
    return (
        f"Нет дорожной карты муниципалитета на {academic_year_label(year)} учебный год, ни черновика, ни утверждённой: "
        "создайте её, затем повторите"
    )


def _section(roadmap: Roadmap, direction: Direction, by) -> Section:
    section = roadmap.sections.filter(kind=Section.Kind.DIRECTION, direction=direction).order_by("order").first()
    if section is None:
        section = section_create(roadmap=roadmap, by=by, kind=Section.Kind.DIRECTION, direction=direction)
    return section


@writes(ROADMAPS, EXECUTION)
def cell_measure_create(*, municipality: Municipality, year: int, cell: Cell, by) -> Measure:
    """A draft measure that would close `cell`, in the draft roadmap that covers the year (or in the
    changes to the approved one, started for it): the catalogue's standard step of the stage (its
    text and deadline), the documents the stage's rule expects, the missing records as its expected
    result, assigned to the authority itself so that its evidence can be uploaded and accepted."""
    stage, direction = cell.stage, cell.direction
    roadmap = plan_for(municipality, year, direction)
    if roadmap is None:
        raise ValidationError(no_plan_message(year))
    if roadmap.status == Roadmap.Status.APPROVED:  # the change starts a new version of the plan
        roadmap = roadmap_amend(roadmap=roadmap, by=by)
    enforce(access_for(by).can_edit(roadmap), EDIT_REFUSED)
    step = StepTemplate.objects.filter(stage=stage).order_by("function_type__order", "order").first()
    kinds = []
    if cell.rule is not None:
        for requirement in cell.rule.requirements.all():
            if StageRequirement.Source.EVIDENCE in requirement.sources:
                kinds += list(requirement.evidence_kinds.all())
    missing = "; ".join(check.missing for check in cell.missing)
    return measure_create(
        section=_section(roadmap, direction, by),
        by=by,
        description=step.text if step else f"{stage.title}: {direction.title}",
        deadline_text=step.deadline_text if step else "",
        evidence_kinds=kinds,
        organizations=[roadmap.owner],
        executors=[{"organization": roadmap.owner, "is_lead": True}],
        stage=stage,
        expected_result=f"По итогам самооценки за {academic_year_label(year)} учебный год: {missing}."
        if missing
        else "",
    )
