from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from roadmaps.execution.selectors import AssignmentFilters, home_groups, my_summary, state_tabs
from roadmaps.execution.state import STATE_BADGES, STATE_LABELS
from roadmaps.rendering import progress_bar_html, progress_table_html
from schools.access import access_for

register = template.Library()


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light")


@register.inclusion_tag("execution/partials/home_block.html", takes_context=True)
def my_assignments_block(context):
    """The director's start page: what to act on first (returned, overdue, due soon, not yet
    submitted), every counter a link to the list filtered by it."""
    user = context["request"].user
    access = access_for(user)
    if not (access.is_director or access.is_staff_of_authority):  # someone with work of their own
        return {"show": False}
    summary = my_summary(user)
    return {
        "show": True,
        "summary": summary,
        "tabs": state_tabs(summary, "execution:my", AssignmentFilters()),
        "groups": home_groups(user, summary),
        "request": context["request"],
    }


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
