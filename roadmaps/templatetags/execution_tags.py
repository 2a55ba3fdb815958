from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from roadmaps.rendering import progress_bar_html, progress_table_html
from roadmaps.selectors_execution import STATE_LABELS, my_assignments, my_summary
from roadmaps.table import number_measures
from schools.access import access_for

register = template.Library()

BADGES = {
    "overdue": "text-bg-danger",
    "returned": "text-bg-warning",
    "planned": "text-bg-secondary",
    "in_progress": "text-bg-info",
    "submitted": "text-bg-primary",
    "accepted": "text-bg-success",
}


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@register.filter
def state_badge(state: str) -> str:
    return BADGES.get(state, "text-bg-light")


@register.inclusion_tag("execution/partials/home_block.html", takes_context=True)
def my_assignments_block(context, limit: int = 10):
    """The director's start page: the nearest occurrences of their organisation."""
    user = context["request"].user
    access = access_for(user)
    show = access.is_director or access.is_staff_of_authority
    items = list(my_assignments(user)[:limit]) if show else []
    number_measures(a.measure for a in items)
    return {"show": show, "items": items, "summary": my_summary(user) if show else {}, "request": context["request"]}


@register.filter
def person(user) -> str:
    """A person's full name, or the login; «—» when the person is unknown (deleted, or demo data)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.username


@register.simple_tag
def progress_table(rows, caption: str, link: str = ""):
    """Progress rows as a table (rendered in Python: a region's dashboard has a thousand rows)."""
    url = (lambda pk: reverse("execution:dashboard_roadmap", args=[pk])) if link == "roadmap" else None
    return progress_table_html(rows, caption=caption, link=url)


@register.simple_tag
def progress_bar(p):
    return mark_safe(progress_bar_html(p))
