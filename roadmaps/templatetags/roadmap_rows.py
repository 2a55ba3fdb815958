from django import template

from roadmaps.rendering import measure_row_html

register = template.Library()


@register.simple_tag(takes_context=True)
def measure_row(context, row):
    return measure_row_html(
        row,
        editable=bool(context.get("editable")),
        urls=context.get("measure_urls", ""),
        assignable=bool(context.get("can_assign")),
    )
