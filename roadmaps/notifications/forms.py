"""The form of «Настройки уведомлений»: one choice of delivery per kind of notification."""

from django import forms

from roadmaps.models import Delivery, Notification


class PreferencesForm(forms.Form):
    """A field per kind (named by the kind's value), each «сразу» / «ежедневная сводка» / «не присылать»."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Delivery.choices,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def rows(self):
        """(kind's name, its bound field) in the order of the kinds, for the table."""
        return [(self.fields[kind].label, self[kind]) for kind in Notification.Kind.values]
