from django import forms
from django.db.models import Q

from roadmaps.models import Order, Roadmap
from roadmaps.services import PersonInput
from roadmaps.uploads import upload_max_bytes
from schools.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoadmapImportForm(forms.Form):
    file = forms.FileField(label="Файл Excel (.xlsx)", help_text="Книга, выгруженная кнопкой «Excel» и исправленная")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(f"Файл «{upload.name}» не .xlsx: сохраните книгу в формате Excel (.xlsx)")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("Файл больше 10 МБ")
        return upload


class RoadmapImportNewForm(RoadmapImportForm):
    owner = forms.ModelChoiceField(label="Организация-владелец", queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.managed_by(user).filter(
            kind__in=[Organization.Kind.AUTHORITY, Organization.Kind.METHODICAL, Organization.Kind.SCHOOL]
        )
        self.order_fields(["owner", "file"])


class RoadmapWordImportForm(forms.Form):
    file = forms.FileField(
        label="Документ Word (.docx)",
        help_text="План мероприятий таблицей: «№ п/п | Наименование мероприятия | Сроки | Ответственные …» "
        "или «ГОД | Региональный уровень | Муниципальный уровень | Уровень ОО»",
    )

    def clean_file(self):
        # What the file is, is read from its content (roadmaps.word); here only its size.
        upload = self.cleaned_data["file"]
        if upload.size > upload_max_bytes():
            raise forms.ValidationError(
                f"Файл «{upload.name}» больше {upload_max_bytes() // (1024 * 1024)} МБ: такой документ не загружается"
            )
        return upload


class RoadmapWordImportNewForm(RoadmapWordImportForm):
    owner = forms.ModelChoiceField(label="Организация-владелец", queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = RoadmapImportNewForm(user=user).fields["owner"].queryset
        self.order_fields(["owner", "file"])


class ExecutionReportForm(forms.Form):
    FORMATS = [("pdf", "PDF"), ("xlsx", "Excel")]
    date_from = forms.DateField(label="С", widget=DateInput())
    date_to = forms.DateField(label="По", widget=DateInput())
    format = forms.ChoiceField(label="Формат", choices=FORMATS, initial="pdf")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("Начало периода позже его окончания")
        return data


def _parse_person_lines(text: str, field_label: str) -> list[PersonInput]:
    persons = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise forms.ValidationError(
                f"{field_label}, строка {number} «{line.strip()}»: нужно «должность; ФИО; поручение»"
            )
        persons.append(PersonInput(position=parts[0], name=parts[1], duty="; ".join(parts[2:]).strip()))
    return persons


class OrderForm(forms.Form):
    organization = forms.ModelChoiceField(label="Орган управления образованием", queryset=Organization.objects.none())
    header = forms.CharField(
        label="Шапка бланка",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Строки над словом «ПРИКАЗ»; пусто — полное наименование организации",
    )
    number = forms.CharField(label="Номер", max_length=100, required=False)
    date = forms.DateField(label="Дата", widget=DateInput())
    title = forms.CharField(
        label="Заголовок",
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="Об утверждении планов мероприятий («дорожных карт») развития механизмов управления качеством образования",
    )
    basis = forms.CharField(label="Преамбула (основание)", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    place_phrase = forms.CharField(
        label="Где (для пунктов «Утвердить …»)", max_length=200, required=False, help_text="Например: в Сарове"
    )
    roadmaps = forms.ModelMultipleChoiceField(
        label="Утверждаемые дорожные карты (приложения по порядку шифров)",
        help_text="Черновики и карты на утверждении; подписание приказа утверждает те, что на утверждении",
        queryset=Roadmap.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    items = forms.CharField(
        label="Другие пункты",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Пункты разделяются пустой строкой; строки с «- » становятся подпунктами",
    )
    responsible = forms.CharField(
        label="Ответственные (дательный падеж подставится сам)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="По строке: «должность; ФИО; поручение», например «заместитель начальника; Иванова А.А.; "
        "за реализацию дорожных карт». Поручение без «за …» — «обеспечить выполнение …»",
    )
    control_position = forms.CharField(label="Контроль: должность", max_length=300, required=False)
    control_name = forms.CharField(label="Контроль: ФИО", max_length=200, required=False)
    signatory_position = forms.CharField(label="Подписывает: должность", max_length=300, required=False)
    signatory_name = forms.CharField(label="Подписывает: ФИО", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.managed_by(user).filter(
            kind__in=[Organization.Kind.AUTHORITY, Organization.Kind.METHODICAL]
        )
        roadmaps = (
            Roadmap.objects.for_user(user)
            .filter(owner__in=Organization.objects.managed_by(user))
            .select_related("owner")
            .order_by("code", "title")
        )
        self.fields["organization"].queryset = organizations
        if not self.is_bound and not self.initial.get("organization"):
            first = organizations.order_by("kind", "pk").first()
            self.initial["organization"] = first.pk if first else None
        # an order approves roadmaps still in preparation; those it already lists stay listed when edited
        listed = [getattr(r, "pk", r) for r in self.initial.get("roadmaps") or []]
        self.fields["roadmaps"].queryset = roadmaps.filter(
            Q(status__in=[Roadmap.Status.DRAFT, Roadmap.Status.ON_APPROVAL]) | Q(pk__in=listed)
        )

    def clean_responsible(self):
        return _parse_person_lines(self.cleaned_data["responsible"], "Ответственные")

    def clean(self):
        data = super().clean()
        if bool(data.get("control_position")) != bool(data.get("control_name")):
            raise forms.ValidationError("Для контроля укажите и должность, и ФИО")
        organization, roadmaps = data.get("organization"), data.get("roadmaps") or []
        for roadmap in roadmaps:
            if organization and roadmap.owner.municipality_id != organization.municipality_id:
                self.add_error("roadmaps", f"«{roadmap}» — дорожная карта другого муниципалитета")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        items = [block.strip() for block in data["items"].replace("\r\n", "\n").split("\n\n") if block.strip()]
        control = []
        if data.get("control_name"):
            control = [PersonInput(position=data["control_position"], name=data["control_name"])]
        roadmaps = sorted(data["roadmaps"], key=lambda r: (r.code, r.title))
        return {
            "organization": data["organization"],
            "header": data["header"],
            "number": data["number"],
            "date": data["date"],
            "title": data["title"],
            "basis": data["basis"],
            "place_phrase": data["place_phrase"],
            "roadmaps": roadmaps,
            "items": items,
            "responsible": data["responsible"],
            "control": control,
            "signatory_position": data["signatory_position"],
            "signatory_name": data["signatory_name"],
        }

    @classmethod
    def initial_for(cls, order: Order) -> dict:
        persons = list(order.persons.all())
        control = next((p for p in persons if p.role == p.Role.CONTROL), None)
        return {
            "organization": order.organization,
            "header": order.header,
            "number": order.number,
            "date": order.date,
            "title": order.title,
            "basis": order.basis,
            "place_phrase": order.place_phrase,
            "roadmaps": [link.roadmap_id for link in order.approved.all()],
            "items": "\n\n".join(item.text for item in order.items.all()),
            "responsible": "\n".join(
                f"{p.position}; {p.name}; {p.duty}".rstrip("; ") for p in persons if p.role == p.Role.RESPONSIBLE
            ),
            "control_position": control.position if control else "",
            "control_name": control.name if control else "",
            "signatory_position": order.signatory_position,
            "signatory_name": order.signatory_name,
        }
