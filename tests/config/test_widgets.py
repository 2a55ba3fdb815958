"""FastSelect gives the HTML Django's Select gives, escaped the same way."""

import re

import pytest
from django import forms

from config.lib.widgets import FastSelect

CHOICES = [("", "все"), (1, "СОШ <№ 1>"), (2, 'Школа "2" & сад'), ("Сельские", [(3, "ООШ с. Дмитриевка")])]


def _flat(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["", "2", "3", None])
def test_fast_select_renders_as_django_select(value):
    def render(widget):
        field = forms.ChoiceField(choices=CHOICES, required=False, widget=widget(attrs={"class": "form-select"}))
        return field.widget.render("organization", value, attrs={"id": "id_organization"})

    assert _flat(render(FastSelect)) == _flat(render(forms.Select))
    assert "&lt;№ 1&gt;" in render(FastSelect)
