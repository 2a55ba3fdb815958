"""The pieces every list page shares, registered as the template library «lists» in settings:
the pager (templates/partials/pager.html), whose links change only their own page parameter and
keep the rest of the query — the filters, and the other pager of a page that has two — and the
filter form (templates/partials/filter_form.html), whose fields are styled here once."""

from django import forms, template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number: int, param: str = "page") -> str:
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()


@register.filter
def filter_widget(field):
    css = "form-select" if isinstance(field.field.widget, forms.Select) else "form-control"
    return field.as_widget(attrs={"class": css})
