"""Forms of the roadmap pages. They check input and name the wrong field in Russian; the writes
themselves are done by roadmaps.services."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.urls import reverse

from roadmaps.attainment import indicator_choices
from roadmaps.deadlines import Occurrence
from roadmaps.groups import group_choices, group_members
from roadmaps.models import (
    CycleStage,
    Direction,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    Measure,
    Roadmap,
    Section,
    Track,
)
from roadmaps.table import decimal_text
from schools.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoadmapForm(forms.ModelForm):
    class Meta:
        model = Roadmap
        fields = [
            "owner",
            "level",
            "code",
            "title",
            "period_kind",
            "period_start",
            "period_end",
            "basis_title",
            "basis_number",
            "basis_date",
            "approver_position",
            "approver_name",
            "stamp",
            "appendix_number",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "basis_title": forms.Textarea(attrs={"rows": 2}),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "basis_date": DateInput(),
        }

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if not self.instance.pk:
            authority = owners.filter(kind=Organization.Kind.AUTHORITY).first() or owners.first()
            self.fields["owner"].initial = authority.pk if authority else None
            if authority is not None and authority.kind == Organization.Kind.REGIONAL:
                self.fields["level"].initial = Roadmap.Level.REGIONAL  # the region's staff start the region's plan

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start >= end:
            self.add_error("period_end", "Окончание периода должно быть позже его начала")
        return data


class SectionForm(forms.Form):
    kind = forms.ChoiceField(label="Вид раздела", choices=Section.Kind.choices, initial=Section.Kind.DIRECTION)
    direction = forms.ModelChoiceField(
        label="Направление", queryset=Direction.objects.all(), required=False, empty_label="— выберите —"
    )
    tracks = forms.ModelMultipleChoiceField(
        label="Треки", queryset=Track.objects.select_related("direction"), required=False
    )
    function_type = forms.ModelChoiceField(
        label="Тип функции", queryset=FunctionType.objects.all(), required=False, empty_label="— без типа —"
    )
    heading = forms.CharField(label="Заголовок (для свободного раздела)", required=False)
    number = forms.CharField(label="Номер раздела", required=False, max_length=20)

    def clean(self):
        data = super().clean()
        kind, direction = data.get("kind"), data.get("direction")
        if kind == Section.Kind.DIRECTION:
            if direction is None:
                self.add_error("direction", "Выберите направление")
            else:
                for track in data.get("tracks") or []:
                    if track.direction_id != direction.pk:
                        self.add_error("tracks", f"Трек «{track.title}» не относится к направлению {direction.code}")
        elif kind == Section.Kind.HEADING and not (data.get("heading") or "").strip():
            self.add_error("heading", "Введите текст заголовка")
        return data


DAY = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
MANUAL_LINE = re.compile(rf"^{DAY}(?:\s*[-–—…]+\s*{DAY})?(?:\s*(?:срок|до)\s*:?\s*{DAY})?$", re.IGNORECASE)


def _day(d: str, m: str, y: str, line_no: int, line: str) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        raise forms.ValidationError(f"Строка {line_no}: «{line}» — такой даты нет") from None


def parse_manual_dates(text: str) -> list[Occurrence]:
    """Lines «01.09.2022», «01.09.2022–30.09.2022» or «01.09.2022–30.09.2022 до 05.10.2022»."""
    occurrences = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = MANUAL_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                f"Строка {line_no}: «{line}» — ожидается «ДД.ММ.ГГГГ», «ДД.ММ.ГГГГ–ДД.ММ.ГГГГ» "
                "или «ДД.ММ.ГГГГ–ДД.ММ.ГГГГ до ДД.ММ.ГГГГ»"
            )
        groups = match.groups()
        start = _day(*groups[0:3], line_no, line)
        end = _day(*groups[3:6], line_no, line) if groups[3] else start
        due = _day(*groups[6:9], line_no, line) if groups[6] else end
        if end < start:
            raise forms.ValidationError(f"Строка {line_no}: «{line}» — окончание раньше начала")
        if due < start:
            raise forms.ValidationError(f"Строка {line_no}: «{line}» — срок сдачи раньше начала")
        occurrences.append(Occurrence(start=start, end=end, due=due))
    return occurrences


def manual_dates_text(deadline: dict) -> str:
    lines = []
    for o in (deadline or {}).get("occurrences") or []:
        start, end, due = (datetime.strptime(o[k], "%Y-%m-%d").date() for k in ("start", "end", "due"))
        line = f"{start:%d.%m.%Y}" if start == end else f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
        if due != end:
            line += f" до {due:%d.%m.%Y}"
        lines.append(line)
    return "\n".join(lines)


def parse_per_year(text: str) -> dict:
    """«2021: 0,337; 2022: 0,466» → {"2021": "0.337", "2022": "0.466"}."""
    result = {}
    for chunk in re.split(r"[;\n]", text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        match = re.match(r"^(\d{4})\s*(?:г\.?|год)?\s*[:=—-]\s*([-+]?\d+(?:[.,]\d+)?)\s*$", chunk)
        if not match:
            raise forms.ValidationError(f"«{chunk}» — ожидается «ГГГГ: число», например «2022: 0,466»")
        result[match.group(1)] = match.group(2).replace(",", ".")
    return result


class MeasureForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label="№ (пусто — по порядку)", required=False, max_length=20)
    description = forms.CharField(
        label="Наименование мероприятия",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Абзацы — пустой строкой, списки — строками, начинающимися с «-»",
    )
    # Only a regional roadmap's editor shows these (seed 003: the line at the municipal and school level).
    municipal_text = forms.CharField(
        label="Муниципальный уровень",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что делает муниципалитет; пусто или «-» — ничего",
    )
    school_text = forms.CharField(
        label="Уровень ОО",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Что делают образовательные организации; пусто или «-» — ничего",
    )
    deadline_text = forms.CharField(label="Сроки (как в документе)", required=False, max_length=500)
    deadline_manual = forms.BooleanField(label="Задать даты вручную", required=False)
    manual_dates = forms.CharField(
        label="Даты сроков",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="По строке на срок: 01.09.2022 или 01.09.2022–30.09.2022 (можно «до 05.10.2022»)",
    )
    executor_kinds = forms.ModelMultipleChoiceField(
        label="Исполнители (виды)", queryset=ExecutorKind.objects.all(), required=False
    )
    executor_organizations = forms.ModelMultipleChoiceField(
        label="Исполнители (организации)", queryset=Organization.objects.none(), required=False
    )
    lead = forms.ChoiceField(label="Ответственный (головной)", required=False)
    qualifier = forms.CharField(label="Уточнение исполнителей", required=False, max_length=300)
    actions = forms.CharField(
        label="Перечень действий (по строке на действие)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_result = forms.CharField(
        label="Ожидаемый результат", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_kinds = forms.ModelMultipleChoiceField(
        label="Подтверждающие документы",
        queryset=EvidenceKind.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_text = forms.CharField(label="Показатель (как написано)", required=False, max_length=500)
    target_comparator = forms.ChoiceField(
        label="Сравнение", choices=[("", "—")] + list(Measure.Comparator.choices), required=False
    )
    target_value = forms.CharField(label="Значение", required=False)
    target_unit = forms.CharField(label="Единица", required=False, max_length=50)
    target_per_year = forms.CharField(label="По годам", required=False, help_text="2021: 0,337; 2022: 0,466")
    target_indicator_code = forms.ChoiceField(
        label="Достигнутое значение — из показателя мониторинга",
        required=False,
        help_text="Значение муниципалитета за год; без показателя — значения, внесённые исполнителями",
        error_messages={"invalid_choice": "Показателя «%(value)s» нет в перечне показателей мониторинга"},
    )
    stage = forms.ModelChoiceField(
        label="Этап цикла", queryset=CycleStage.objects.all(), required=False, empty_label="—"
    )
    note = forms.CharField(label="Примечание", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations, roadmap=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["executor_organizations"].queryset = organizations
        if roadmap is not None and roadmap.level == Roadmap.Level.REGIONAL:
            self.fields["description"].label = "Региональный уровень"
        else:
            del self.fields["municipal_text"], self.fields["school_text"]
        if roadmap is not None:
            # The parse appears beside the field while the methodist types (htmx, no inline script).
            self.fields["deadline_text"].widget.attrs.update(
                {
                    "hx-get": reverse("roadmaps:deadline_preview", args=[roadmap.pk]),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "next .deadline-preview",
                    "hx-swap": "innerHTML",
                }
            )
        self.fields["target_indicator_code"].choices = [("", "— не связан —"), *indicator_choices()]
        choices = [("", "— не указан —")]
        choices += [(f"kind:{k.pk}", k.title) for k in ExecutorKind.objects.all()]
        choices += [(f"org:{o.pk}", o.short_name) for o in organizations]
        self.fields["lead"].choices = choices

    @classmethod
    def initial_for(cls, measure: Measure) -> dict:
        executors = list(measure.executors.all())
        lead = next((e for e in executors if e.is_lead), None)
        lead_value = ""
        if lead is not None:
            lead_value = f"org:{lead.organization_id}" if lead.organization_id else f"kind:{lead.executor_kind_id}"
        qualifiers = [e.qualifier for e in executors if e.qualifier]
        return {
            "lock_version": measure.lock_version,
            "number": measure.number,
            "description": measure.description,
            "municipal_text": measure.municipal_text,
            "school_text": measure.school_text,
            "deadline_text": measure.deadline_text,
            "deadline_manual": measure.deadline_manual,
            "manual_dates": manual_dates_text(measure.deadline),
            "executor_kinds": [e.executor_kind_id for e in executors if e.executor_kind_id],
            "executor_organizations": [e.organization_id for e in executors if e.organization_id],
            "lead": lead_value,
            "qualifier": "; ".join(qualifiers),
            "actions": "\n".join(measure.actions or []),
            "expected_result": measure.expected_result,
            "evidence_kinds": [k.pk for k in measure.evidence_kinds.all()],
            "target_text": measure.target_text,
            "target_comparator": measure.target_comparator,
            "target_value": "" if measure.target_value is None else decimal_text(measure.target_value),
            "target_unit": measure.target_unit,
            "target_per_year": "; ".join(
                f"{y}: {str(v).replace('.', ',')}" for y, v in (measure.target_per_year or {}).items()
            ),
            "target_indicator_code": measure.target_indicator_code,
            "stage": measure.stage_id,
            "note": measure.note,
        }

    def clean_manual_dates(self):
        return parse_manual_dates(self.cleaned_data.get("manual_dates") or "")

    def clean_target_value(self):
        raw = (self.cleaned_data.get("target_value") or "").strip().replace(",", ".").replace(" ", "")
        if not raw:
            return None
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(f"«{raw}» — не число; пишите, например, 50 или 0,337") from None

    def clean_target_per_year(self):
        return parse_per_year(self.cleaned_data.get("target_per_year") or "")

    def clean(self):
        data = super().clean()
        if data.get("deadline_manual") and not data.get("manual_dates") and "manual_dates" not in self.errors:
            self.add_error("manual_dates", "Укажите хотя бы один срок или снимите отметку «Задать даты вручную»")
        if not data.get("deadline_text", "").strip() and not data.get("deadline_manual"):
            self.add_error("deadline_text", "Укажите сроки мероприятия (например, «Сентябрь» или «В течение года»)")
        self._clean_lead(data)
        self._clean_target(data)
        return data

    def _clean_target(self, data: dict) -> None:
        """A value compared with the indicator needs the comparison and the value to compare with."""
        comparator = data.get("target_comparator") or ""
        if data.get("target_indicator_code") and comparator in ("", Measure.Comparator.PRESENT):
            self.add_error(
                "target_comparator",
                "Для показателя мониторинга выберите сравнение «не менее», «не более» или «равно»",
            )
        numeric = comparator and comparator != Measure.Comparator.PRESENT
        if (
            numeric
            and data.get("target_value") is None
            and not data.get("target_per_year")
            and "target_value" not in self.errors
        ):
            self.add_error("target_value", "Укажите значение показателя (или значения по годам) для сравнения")

    def _clean_lead(self, data: dict) -> None:
        """The lead executor is one of the measure's executors: a lead not among them had nowhere
        to be stored and was dropped without a word (issue 20)."""
        lead = data.get("lead") or ""
        if not lead or "executor_kinds" in self.errors or "executor_organizations" in self.errors:
            return
        chosen = {f"kind:{kind.pk}" for kind in data.get("executor_kinds") or []}
        chosen |= {f"org:{organization.pk}" for organization in data.get("executor_organizations") or []}
        if lead not in chosen:
            name = dict(self.fields["lead"].choices).get(lead, "")
            field = self.fields["executor_kinds" if lead.startswith("kind:") else "executor_organizations"].label
            self.add_error(
                "lead",
                f"Ответственный должен быть среди исполнителей: отметьте «{name}» в поле «{field}» "
                "или выберите другого ответственного",
            )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        lead = data.get("lead") or ""
        executors = []
        for kind in data.get("executor_kinds") or []:
            executors.append({"executor_kind": kind, "is_lead": lead == f"kind:{kind.pk}"})
        for organization in data.get("executor_organizations") or []:
            executors.append({"organization": organization, "is_lead": lead == f"org:{organization.pk}"})
        executors.sort(key=lambda e: not e["is_lead"])
        qualifier = (data.get("qualifier") or "").strip()
        if qualifier:
            if executors:
                executors[0]["qualifier"] = qualifier
            else:
                executors.append({"qualifier": qualifier})
        fields = {
            "number": data["number"],
            "description": data["description"],
            "deadline_text": data["deadline_text"],
            "actions": data["actions"],
            "expected_result": data["expected_result"],
            "evidence_kinds": list(data["evidence_kinds"]),
            "executors": executors,
            "target_text": data["target_text"],
            "target_comparator": data["target_comparator"],
            "target_value": data["target_value"],
            "target_unit": data["target_unit"],
            "target_per_year": data["target_per_year"],
            "target_indicator_code": data["target_indicator_code"],
            "stage": data["stage"],
            "note": data["note"],
        }
        for name in ("municipal_text", "school_text"):
            if name in self.fields:
                fields[name] = data[name]
        if data.get("deadline_manual"):
            fields["occurrences"] = data["manual_dates"]
        return fields


class ApproveForm(forms.Form):
    """The approving order (приказ): its number, date and signatory. It is the Order document itself."""

    order_number = forms.CharField(label="Номер приказа", max_length=100)
    order_date = forms.DateField(label="Дата приказа", widget=DateInput())
    signatory_position = forms.CharField(label="Подписал: должность", max_length=300, required=False)
    signatory_name = forms.CharField(label="Подписал: ФИО", max_length=200)

    @classmethod
    def initial_for(cls, roadmap, draft_order=None) -> dict:
        """The draft order that includes the roadmap, if any, else the roadmap's «УТВЕРЖДАЮ» approver."""
        if draft_order is not None:
            return {
                "order_number": draft_order.number,
                "order_date": draft_order.date,
                "signatory_position": draft_order.signatory_position,
                "signatory_name": draft_order.signatory_name,
            }
        return {
            "signatory_position": " ".join(roadmap.approver_position.split()),
            "signatory_name": roadmap.approver_name,
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(label="Замечания", widget=forms.Textarea(attrs={"rows": 3}))


class CopyForm(forms.Form):
    period_start = forms.DateField(label="Начало нового периода", widget=DateInput())
    period_end = forms.DateField(label="Окончание нового периода", widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] >= data["period_end"]:
            self.add_error("period_end", "Окончание периода должно быть позже его начала")
        return data


class AssignForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label="Выбранные организации",
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_schools = forms.BooleanField(label="Все школы (ОО) муниципалитета", required=False)
    all_preschools = forms.BooleanField(label="Все ДОУ муниципалитета", required=False)
    group = forms.ChoiceField(label="Организации зоны (по утверждённой методике)", required=False)

    def __init__(self, *args, municipality_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality_id = municipality_id
        self.fields["group"].choices = [("", "—")] + group_choices(municipality_id)
        self.fields["organizations"].queryset = Organization.objects.filter(
            municipality_id=municipality_id,
            kind__in=[
                Organization.Kind.SCHOOL,
                Organization.Kind.PRESCHOOL,
                Organization.Kind.SUPPLEMENTARY,
                Organization.Kind.METHODICAL,
            ],
        ).order_by("kind", "short_name")

    def chosen(self) -> list[Organization]:
        data = self.cleaned_data
        chosen = {o.pk: o for o in data.get("organizations") or []}
        base = Organization.objects.filter(municipality_id=self.municipality_id)
        if data.get("all_schools"):
            chosen.update({o.pk: o for o in base.schools()})
        if data.get("all_preschools"):
            chosen.update({o.pk: o for o in base.preschools()})
        if data.get("group"):
            chosen.update({o.pk: o for o in group_members(self.municipality_id, data["group"]) or ()})
        return list(chosen.values())

    def clean(self):
        data = super().clean()
        if not (
            data.get("organizations") or data.get("all_schools") or data.get("all_preschools") or data.get("group")
        ):
            raise forms.ValidationError("Выберите организации, «все школы», «все ДОУ» или зону")
        return data
