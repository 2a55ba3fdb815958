"""Forms of the analysis pages."""

from django import forms

from config.lib.numbers import field_range
from config.lib.untrusted.forms import UntrustedFileField
from monitoring.analysis.services import COLLECTION_LIMITS
from monitoring.models import Campaign, Colour, IndicatorDefinition, ReportedValue, ZoningMethod
from roadmaps.models import Roadmap, Section
from schools.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"


class ComputeIndicatorsForm(forms.Form):
    year = forms.IntegerField(label="Учебный год (год окончания)", min_value=2000, max_value=2100)


class MethodForm(forms.ModelForm):
    class Meta:
        model = ZoningMethod
        fields = [
            "title", "year", "combine", "minimum_participants", "green_score_min", "yellow_score_min", "red_rules_for_red",
        ]  # fmt: skip


class RuleForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label="Показатель", queryset=IndicatorDefinition.objects.exclude(better=IndicatorDefinition.Better.NONE)
    )
    subject = forms.CharField(label="Предмет (пусто — в целом)", required=False, max_length=200)
    grade = forms.IntegerField(label="Параллель", required=False, min_value=1, max_value=11)
    weight = forms.FloatField(label="Вес", initial=1, min_value=0.01)
    ranges_text = forms.CharField(
        label="Диапазоны",
        initial="зелёная [0; 10), жёлтая [10; 25), красная [25; 100]",
        help_text="«[» и «]» включают границу, «(» и «)» — нет. Диапазоны покрывают всю шкалу показателя без разрывов и наложений.",
        max_length=500,
    )


class ApproveForm(forms.Form):
    """The approving order: created and signed by the approval, printed from its page."""

    order_number = forms.CharField(label="Номер приказа об утверждении", max_length=100)
    order_date = forms.DateField(label="Дата приказа", widget=DateInput)
    signatory_position = forms.CharField(
        label="Подписывает: должность", max_length=300, required=False, help_text="Пусто — ваша должность"
    )
    signatory_name = forms.CharField(
        label="Подписывает: ФИО", max_length=200, required=False, help_text="Пусто — ваше имя из учётной записи"
    )


class TargetForm(forms.Form):
    """Closing the cycle: addressed recommendation and/or a measure in a draft roadmap."""

    organizations = forms.ModelMultipleChoiceField(label="Организации", queryset=Organization.objects.none())
    method = forms.ModelChoiceField(queryset=ZoningMethod.objects.none(), required=False, widget=forms.HiddenInput)
    zone_colour = forms.ChoiceField(choices=[("", "")] + list(Colour.choices), required=False, widget=forms.HiddenInput)
    make_recommendation = forms.BooleanField(label="Направить адресную рекомендацию", required=False)
    text = forms.CharField(label="Текст рекомендации", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    make_measure = forms.BooleanField(label="Добавить мероприятие в черновик дорожной карты", required=False)
    section = forms.ModelChoiceField(
        label="Раздел дорожной карты (черновик)", queryset=Section.objects.none(), required=False
    )
    description = forms.CharField(label="Мероприятие", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline_text = forms.CharField(label="Сроки", required=False, max_length=500)

    def __init__(self, *args, organizations, methods, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations
        self.fields["method"].queryset = methods
        self.fields["section"].queryset = sections
        self.fields["section"].label_from_instance = lambda s: f"{s.roadmap.title[:60]} — {s}"

    def clean(self):
        data = super().clean()
        if not data.get("make_recommendation") and not data.get("make_measure"):
            raise forms.ValidationError("Отметьте, что создать: рекомендацию и/или мероприятие")
        if data.get("make_recommendation") and not (data.get("text") or "").strip():
            self.add_error("text", "Напишите текст рекомендации")
        if data.get("make_measure"):
            if not data.get("section"):
                self.add_error("section", "Выберите раздел черновика дорожной карты")
            if not (data.get("description") or "").strip():
                self.add_error("description", "Опишите мероприятие")
        return data


def draft_sections(municipality):
    return (
        Section.objects.filter(roadmap__owner__municipality=municipality, roadmap__status=Roadmap.Status.DRAFT)
        .select_related("roadmap", "direction")
        .order_by("roadmap__title", "order")
    )


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "year", "period_start", "period_end", "deadline", "indicators", "organizations"]
        widgets = {"period_start": DateInput, "period_end": DateInput, "deadline": DateInput}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = IndicatorDefinition.objects.filter(
            source=IndicatorDefinition.Source.REPORTED
        )
        # The authority itself is included for its own indicators (level «орган управления»); the
        # methodical centre reports through the authority.
        self.fields["organizations"].queryset = Organization.objects.filter(municipality=municipality).exclude(
            kind=Organization.Kind.METHODICAL
        )


class ReportedValuesForm(forms.Form):
    """One field group per indicator of the campaign: numerator/denominator, a number, or yes/no."""

    def __init__(self, *args, indicators, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        initial_values = initial_values or {}
        for indicator in self.indicators:
            current = initial_values.get(indicator.pk)
            if indicator.form_kind == IndicatorDefinition.FormKind.YES_NO:
                self.fields[f"yn_{indicator.pk}"] = forms.TypedChoiceField(
                    label=indicator.name, choices=[("", "—"), ("1", "да"), ("0", "нет")], required=True,
                    coerce=lambda v: v == "1", initial=("1" if current.yes_no else "0") if current else "",
                )  # fmt: skip
                continue
            numerators, denominators = (
                field_range(ReportedValue, "numerator"),
                field_range(ReportedValue, "denominator"),
            )
            self.fields[f"num_{indicator.pk}"] = forms.IntegerField(
                label=f"{indicator.name}: {indicator.numerator_label or 'число'}",
                min_value=numerators.low, max_value=numerators.high,
                initial=current.numerator if current else None,
            )  # fmt: skip
            if indicator.form_kind != IndicatorDefinition.FormKind.NUMBER:
                self.fields[f"den_{indicator.pk}"] = forms.IntegerField(
                    label=f"{indicator.name}: {indicator.denominator_label or 'всего'}",
                    min_value=denominators.low, max_value=denominators.high,
                    initial=current.denominator if current else None,
                )  # fmt: skip

    def values(self) -> dict:
        data = self.cleaned_data
        return {i: (data.get(f"num_{i.pk}"), data.get(f"den_{i.pk}"), data.get(f"yn_{i.pk}")) for i in self.indicators}


class ImportForm(forms.Form):
    file = UntrustedFileField(
        label="Книга Excel (Код ОО, Показатель, Числитель, Знаменатель, Значение)",
        max_bytes=COLLECTION_LIMITS.max_bytes,
    )


class ReportedIndicatorForm(forms.ModelForm):
    class Meta:
        model = IndicatorDefinition
        fields = [
            "code",
            "name",
            "direction_code",
            "unit",
            "better",
            "form_kind",
            "numerator_label",
            "denominator_label",
            "target",
        ]
