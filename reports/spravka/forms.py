"""The form «Сформировать справку»: an assessment, or a direction and a year; the municipality or
one of its schools."""

from django import forms
from django.db.models import Exists, OuterRef

from monitoring.models import Assessment, IndicatorDefinition, IndicatorValue, SchoolStat
from reports.models import AnalyticReport
from schools.models import Organization


class SpravkaForm(forms.Form):
    subject = forms.ChoiceField(
        label="О чём справка", choices=AnalyticReport.Subject.choices, widget=forms.RadioSelect,
        initial=AnalyticReport.Subject.ASSESSMENT,
    )  # fmt: skip
    assessment = forms.ModelChoiceField(
        label="Процедура (ВПР, ОГЭ, ЕГЭ, КДР)", queryset=Assessment.objects.none(), required=False,
        empty_label="— выберите процедуру —",
    )  # fmt: skip
    direction_code = forms.ChoiceField(label="Направление", required=False)
    year = forms.TypedChoiceField(label="Учебный год (для направления)", required=False, coerce=int, empty_value=None)
    organization = forms.ModelChoiceField(
        label="Уровень", queryset=Organization.objects.none(), required=False,
        empty_label="Муниципалитет (все организации)",
    )  # fmt: skip

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        with_results = SchoolStat.objects.filter(assessment=OuterRef("pk"), organization__municipality=municipality)
        self.fields["assessment"].queryset = Assessment.objects.filter(Exists(with_results)).order_by(
            "-year", "kind", "subject", "grade"
        )
        codes = sorted(
            set(IndicatorDefinition.objects.exclude(direction_code="").values_list("direction_code", flat=True))
        )
        self.fields["direction_code"].choices = [("", "— выберите направление —")] + [(code, code) for code in codes]
        years = sorted(
            set(IndicatorValue.objects.filter(municipality=municipality).values_list("year", flat=True).distinct()),
            reverse=True,
        )
        self.fields["year"].choices = [("", "— выберите год —")] + [(year, f"{year - 1}/{year}") for year in years]
        self.fields["organization"].queryset = Organization.objects.filter(
            municipality=municipality, kind=Organization.Kind.SCHOOL
        ).order_by("short_name")

    def clean(self):
        data = super().clean()
        if data.get("subject") == AnalyticReport.Subject.ASSESSMENT:
            if not data.get("assessment"):
                self.add_error("assessment", "Выберите оценочную процедуру, по результатам которой составить справку")
        elif data.get("subject") == AnalyticReport.Subject.DIRECTION:
            if not data.get("direction_code"):
                self.add_error("direction_code", "Выберите направление, показатели которого описать")
            if not data.get("year"):
                self.add_error("year", "Выберите учебный год, за который показатели рассчитаны")
        return data
