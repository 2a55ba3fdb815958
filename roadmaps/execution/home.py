"""What execution puts on the home page (schools.home): each count taken from the selector of the
list it links to, with the same filters, so the number on the home is the number of rows there."""

from django.urls import reverse

from roadmaps.execution import selectors
from roadmaps.execution.selectors import AssignmentFilters, list_url
from roadmaps.execution.state import STATE_LABELS, State
from schools.access import access_for
from schools.home import Block, Source, Todo, home_source_register
from schools.models import Municipality

COMPARED = (State.ACCEPTED, State.SUBMITTED, State.RETURNED, State.OVERDUE)


def official_todos(user) -> list[Todo]:
    """Overdue across each municipality the person heads."""
    access = access_for(user)
    municipalities = Municipality.objects.filter(pk__in=access.official_municipality_ids).order_by("name")
    todos = []
    for municipality in municipalities:
        filters = AssignmentFilters(state=State.OVERDUE, municipality=municipality.pk)
        label = "Просрочено в муниципалитете"
        if len(access.official_municipality_ids) > 1:
            label += f": {municipality.name}"
        todos.append(
            Todo(
                key=f"overdue-{municipality.pk}",
                label=label,
                count=selectors.execution_list(user, filters).count(),
                url=list_url("execution:list", state=State.OVERDUE, municipality=municipality.pk),
                urgency=40,
                tone="danger",
            )
        )
    return todos


def methodist_todos(user) -> list[Todo]:
    """Evidence to review, and among it what was returned and handed in again."""
    if not access_for(user).methodist_municipality_ids:
        return []
    return [
        Todo(
            key="review",
            label="Документы ждут проверки",
            count=selectors.review_queue(user).count(),
            url=list_url("execution:review"),
            urgency=20,
        ),
        Todo(
            key="resubmitted",
            label="Из них сданы повторно после возврата",
            count=selectors.review_queue(user, AssignmentFilters(resubmitted="1")).count(),
            url=list_url("execution:review", resubmitted="1"),
            urgency=21,
            tone="info",
        ),
    ]


def organization_block(user) -> list[Block]:
    """The organisation's occurrences, what to act on first: returned, overdue, due soon, not yet
    submitted; handed-in and accepted ones stay behind their counters."""
    access = access_for(user)
    summary = selectors.my_summary(user)
    if not access.is_director and not summary["total"]:
        return []  # the authority's staff with no occurrences of the authority's own
    context = {
        "summary": summary,
        "tabs": selectors.state_tabs(summary, "execution:my", AssignmentFilters()),
        "groups": selectors.home_groups(user, summary),
    }
    return [Block("execution/partials/home_block.html", context)]


def comparison_block(user) -> list[Block]:
    """Municipalities side by side (those the person may follow): occurrences, accepted, on review,
    returned and overdue, each a link to the list of them."""
    municipalities = list(selectors.visible_municipalities(user).order_by("name"))
    if not municipalities:
        return []
    progress = selectors.progress_by(
        selectors.execution_list_base(user, AssignmentFilters()).filter(
            organization__municipality__in=[m.pk for m in municipalities]
        ),
        "organization__municipality_id",
        "organization__municipality__name",
    )
    nothing = dict.fromkeys(selectors.COUNTED, 0)
    rows = []
    for municipality in municipalities:
        p = progress.get(municipality.pk) or selectors.Progress(label=municipality.name, **nothing)
        cells = [
            {
                "state": state,
                "count": getattr(p, state),
                "url": list_url("execution:list", municipality=municipality.pk, state=state),
            }
            for state in COMPARED
        ]
        rows.append(
            {
                "municipality": municipality,
                "dashboard": reverse("execution:dashboard_municipality", args=[municipality.pk]),
                "total": p.total,
                "total_url": list_url("execution:list", municipality=municipality.pk),
                "cells": cells,
                "percent": p.percent,
            }
        )
    columns = [STATE_LABELS[state] for state in COMPARED]
    return [Block("execution/partials/home_comparison.html", {"rows": rows, "columns": columns})]


def register() -> None:
    home_source_register(Source("execution-official", "official", official_todos))
    home_source_register(Source("execution-methodist", "methodist", methodist_todos))
    home_source_register(Source("execution-organization", "organization", organization_block))
    home_source_register(Source("execution-comparison", "comparison", comparison_block))
