"""Closing the cycle: a measure created in a draft roadmap for exactly the organisations chosen
from the zones of a method, one assignment each, linked back to that method."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from config.lib.fragments import EXECUTION, ROADMAPS, writes
from roadmaps.models import Assignment, Measure, Roadmap, Section, TargetedMeasure
from schools.access import access_for

try:  # the deadline parser of the roadmaps engineer; without it the dates are left for a person
    from roadmaps.deadlines import parse_deadline
except ImportError:  # pragma: no cover
    parse_deadline = None


@writes(ROADMAPS, EXECUTION)
def targeted_measure_create(
    *, section: Section, organizations, by, description: str, deadline_text: str = "", source_method=None,
    zone_colour: str = "",
) -> Measure:  # fmt: skip
    roadmap = section.roadmap
    if roadmap.status != Roadmap.Status.DRAFT:
        raise ValidationError(
            f"Мероприятие можно добавить только в черновик дорожной карты: «{roadmap}» — {roadmap.get_status_display().lower()}"
        )
    municipality_id = roadmap.owner.municipality_id
    if not access_for(by).can_edit_municipality(municipality_id):
        raise PermissionDenied("Добавлять мероприятия может методист или руководитель УО муниципалитета")
    organizations = list(organizations)
    if not organizations:
        raise ValidationError("Выберите хотя бы одну организацию")
    if any(o.municipality_id != municipality_id for o in organizations):
        raise ValidationError("Мероприятие назначается только организациям муниципалитета дорожной карты")
    if not description.strip():
        raise ValidationError({"description": "Опишите мероприятие"})
    occurrences, deadline = (), {}
    if parse_deadline is not None and deadline_text.strip():
        parsed = parse_deadline(deadline_text, period_start=roadmap.period_start, period_end=roadmap.period_end)
        occurrences, deadline = parsed.occurrences, parsed.to_json()
    order = (section.measures.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    measure = Measure.objects.create(
        section=section, order=order, description=description.strip(), deadline_text=deadline_text.strip(),
        deadline=deadline,
    )  # fmt: skip
    assignments = []
    for organization in organizations:
        if occurrences:
            assignments += [
                Assignment(
                    measure=measure,
                    organization=organization,
                    occurrence=number,
                    window_start=item.start,
                    window_end=item.end,
                    due_date=item.due,
                )  # fmt: skip
                for number, item in enumerate(occurrences, start=1)
            ]
        else:
            assignments.append(Assignment(measure=measure, organization=organization, occurrence=1))
    Assignment.objects.bulk_create(assignments)
    targeting = TargetedMeasure.objects.create(
        measure=measure, zoning_method=source_method, zone_colour=zone_colour, created_by=by
    )
    targeting.organizations.set(organizations)
    return measure
