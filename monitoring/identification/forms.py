from django import forms

from monitoring.models import IdentificationCriterion, IdentificationMethod, IndicatorDefinition


class MethodForm(forms.ModelForm):
    class Meta:
        model = IdentificationMethod
        fields = ["title", "year", "results_required", "context_required", "minimum_participants"]
        help_texts = {
            "year": "Год окончания учебного года: 2025 — это 2024/2025",
            "results_required": "Школа признаётся ШНРО, если выполнено не менее стольких критериев по результатам",
            "context_required": "Школа признаётся ШНСУ, если выполнено не менее стольких контекстных критериев",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].min_value = 2000
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        for name in ("results_required", "context_required"):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs["min"] = 1

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(f"Учебный год — год окончания от 2000 до 2100, указано {year}")
        return year


class CriterionForm(forms.Form):
    """A criterion of the method; what the fields mean together is checked by the service
    (`criterion_clean`), whose Russian messages land on the fields."""

    kind = forms.ChoiceField(label="Вид критерия", choices=IdentificationCriterion.Kind.choices)
    indicator = forms.ModelChoiceField(
        label="Показатель (для критерия по результатам)",
        required=False,
        queryset=IndicatorDefinition.objects.filter(
            source=IndicatorDefinition.Source.RESULTS, level=IndicatorDefinition.Level.SCHOOL
        ).exclude(better=IndicatorDefinition.Better.NONE),
    )
    subject = forms.ChoiceField(label="Предмет (пусто — в целом по школе)", required=False)
    grade = forms.IntegerField(label="Параллель", required=False)
    comparison = forms.ChoiceField(label="Сравнение с порогом", choices=IdentificationCriterion.Comparison.choices)
    threshold = forms.FloatField(
        label="Порог",
        required=False,
        help_text="Для доли — проценты; для численности — человек; для сельской школы не нужен",
    )
    years_window = forms.IntegerField(label="Рассматривается последних лет (K)", initial=1)
    years_required = forms.IntegerField(label="Из них лет с выполнением не менее (N)", initial=1)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "в целом по школе")] + [(s, s) for s in subjects]
