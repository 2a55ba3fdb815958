from django import forms

from monitoring.models import Recommendation, RecommendationAddressee
from schools.models import Organization


class RecommendationForm(forms.Form):
    text = forms.CharField(label="Текст рекомендации", widget=forms.Textarea(attrs={"rows": 5}))
    group = forms.ChoiceField(label="Кому", choices=Recommendation.Group.choices)
    due_date = forms.DateField(
        label="Срок отчёта об исполнении", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    organizations = forms.ModelMultipleChoiceField(
        label="Организации-адресаты", queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReportForm(forms.Form):
    """The files are read from `request.FILES.getlist("files")` and checked by the service."""

    report = forms.CharField(label="Что сделано", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    files = forms.FileField(
        label="Документы (приказ, протокол, справка)",
        required=False,
        widget=MultipleFileInput(),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Решение",
        choices=[(s, RecommendationAddressee.Status(s).label) for s in RecommendationAddressee.DECISIONS],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="Комментарий", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SampleForm(forms.Form):
    size = forms.IntegerField(label="Сколько организаций проверить", min_value=1, max_value=1000, initial=3)
