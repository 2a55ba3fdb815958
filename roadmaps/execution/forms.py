"""Forms of execution: evidence, review decisions, list filters."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from config.lib.widgets import FastSelect
from roadmaps.execution.state import STATE_LABELS, STATE_ORDER
from roadmaps.models import Assignment, Direction, EvidenceKind, Roadmap
from roadmaps.uploads import ALLOWED_LABEL, validate_upload
from schools.models import Municipality, Organization


class EvidenceForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="Вид документа", queryset=EvidenceKind.objects.all(), empty_label="— выберите вид —"
    )
    title = forms.CharField(label="Наименование", max_length=500)
    number = forms.CharField(label="Номер", max_length=100, required=False)
    date = forms.DateField(
        label="Дата", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    file = forms.FileField(
        label="Файл",
        required=False,
        allow_empty_file=True,  # refused by validate_upload with a message naming the file
        # A hint for the file picker only: the kind is decided by the content, never by the name.
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png,.zip"}),
        help_text=f"{ALLOWED_LABEL}; не больше {settings.UPLOAD_MAX_MB} МБ",
    )
    link = forms.URLField(
        label="Ссылка",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="Адрес публикации на сайте организации или в информационной системе",
    )

    def __init__(self, *args, assignment: Assignment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None:
            required = [k.pk for k in assignment.measure.evidence_kinds.all()]
            if required and not self.is_bound:
                self.fields["kind"].initial = required[0]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.upload_info = validate_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("link") and not self.errors.get("file"):
            raise ValidationError("Приложите файл или укажите ссылку на документ")
        return cleaned


class AchievedValueForm(forms.Form):
    """What the organisation achieved against the measure's target, typed as people type numbers."""

    achieved_value = forms.CharField(
        label="Достигнутое значение", required=False, max_length=30, help_text="Пусто — значение не указано"
    )

    def __init__(self, *args, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if unit:
            self.fields["achieved_value"].label = f"Достигнутое значение, {unit}"

    def clean_achieved_value(self):
        raw = (self.cleaned_data.get("achieved_value") or "").strip().replace(" ", "").replace("\u00a0", "")
        if not raw:
            return None
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(f"«{raw}» — не число; пишите, например, 7 или 12,5") from None
        if not value.is_finite():
            raise ValidationError(f"«{raw}» — не число; пишите, например, 7 или 12,5")
        if value.as_tuple().exponent < -3:
            raise ValidationError("Не больше трёх знаков после запятой")
        return value


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Замечание", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Замечание для руководителя",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Напишите замечание: руководитель увидит его и исправит документы"},
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label="Причина повторного открытия",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        error_messages={"required": "Укажите, почему исполнение открывается повторно"},
    )


class AssignmentFilterForm(forms.Form):
    """Filters of the lists; choices are limited to what the person sees."""

    state = forms.ChoiceField(label="Состояние", required=False)
    month = forms.CharField(label="Месяц срока", required=False, widget=forms.TextInput(attrs={"type": "month"}))
    direction = forms.ModelChoiceField(
        label="Направление", required=False, queryset=Direction.objects.none(), empty_label="все"
    )
    roadmap = forms.ModelChoiceField(
        label="Дорожная карта", required=False, queryset=Roadmap.objects.none(), empty_label="все"
    )
    organization = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organization.objects.none(), empty_label="все", widget=FastSelect
    )
    municipality = forms.ModelChoiceField(
        label="Муниципалитет", required=False, queryset=Municipality.objects.none(), empty_label="все"
    )
    resubmitted = forms.ChoiceField(
        label="Сдано", required=False, choices=[("", "все"), ("1", "повторно, после возврата")]
    )

    def __init__(
        self,
        *args,
        user,
        with_roadmap=False,
        with_organization=False,
        with_municipality=False,
        with_resubmitted=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if not with_resubmitted:
            del self.fields["resubmitted"]
        self.fields["state"].choices = [("", "все")] + [(s, STATE_LABELS[s]) for s in STATE_ORDER]
        self.fields["direction"].queryset = Direction.objects.for_user(user)
        if with_roadmap:
            self.fields["roadmap"].queryset = Roadmap.objects.for_user(user).filter(status=Roadmap.Status.APPROVED)
        else:
            del self.fields["roadmap"]
        if with_organization:
            self.fields["organization"].queryset = (
                Organization.objects.for_user(user)
                .filter(municipality__isnull=False)
                .order_by("short_name")
                .only("pk", "short_name")
            )
        else:
            del self.fields["organization"]
        if with_municipality:
            self.fields["municipality"].queryset = Municipality.objects.for_user(user).order_by("name")
        else:
            del self.fields["municipality"]
