from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from roadmaps.execution.state import STATE_BADGES, STATE_LABELS
from roadmaps.rendering import progress_bar_html, progress_table_html

register = template.Library()


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light")


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
