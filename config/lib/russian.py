"""Russian number agreement, once: «1 строка», «2 строки», «5 строк». A template filter of the
builtin library (no {% load %}): `{{ n }} {{ n|plural:"строка,строки,строк" }}`."""

from django import template

register = template.Library()


def plural(count: int, one: str, few: str, many: str) -> str:
    """The form of a noun after `count`: one (1, 21, 101), few (2–4, 22–24), many (0, 5–20, 25…)."""
    count = abs(int(count))
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


@register.filter(name="plural")
def plural_filter(count, forms: str) -> str:
    one, few, many = (form.strip() for form in forms.split(","))
    try:
        return plural(count, one, few, many)
    except (TypeError, ValueError):
        return many
