"""Closing the cycle: a measure created in a draft roadmap for exactly the organisations chosen
from the zones of a method, assigned to each of them, linked back to that method."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from config.lib.fragments import EXECUTION, ROADMAPS, writes
from roadmaps.models import Measure, Section, TargetedMeasure
from roadmaps.services import measure_create


@writes(ROADMAPS, EXECUTION)
def targeted_measure_create(
    *, section: Section, organizations, by, description: str, deadline_text: str = "", source_method=None,
    zone_colour: str = "",
) -> Measure:  # fmt: skip
    """The measure is built like any other (`roadmaps.services.measures_build`: a draft only, the
    deadline parsed, one assignment per organisation and occurrence, history recorded); this adds
    the link to the zoning method it came from."""
    organizations = list(organizations)
    if not organizations:
        raise ValidationError("Выберите хотя бы одну организацию")
    measure = measure_create(
        section=section, by=by, description=description, deadline_text=deadline_text, organizations=organizations
    )
    targeting = TargetedMeasure.objects.create(
        measure=measure, zoning_method=source_method, zone_colour=zone_colour, created_by=by
    )
    targeting.organizations.set(organizations)
    return measure
