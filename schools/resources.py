"""Registry of organisations as a workbook (format C), with django-import-export.

The same resource serves the admin (a regional file: the «Муниципалитет» column names each
row's municipality), the methodist's page and `import_organizations` (one municipality for the
whole file). Rows are matched by municipality and «Код ОО», so re-importing updates and never
duplicates.
"""

import re
from collections.abc import Iterator

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from config.lib.numbers import Range, field_range, parse_number, refusal
from config.lib.untrusted import FileRefused, open_table
from config.lib.xlsx import unescape_text
from schools.models import Municipality, Organization

KIND_BY_LABEL = {
    "оо": Organization.Kind.SCHOOL,
    "школа": Organization.Kind.SCHOOL,
    "общеобразовательная организация": Organization.Kind.SCHOOL,
    "доу": Organization.Kind.PRESCHOOL,
    "доо": Organization.Kind.PRESCHOOL,
    "до": Organization.Kind.SUPPLEMENTARY,
    "удо": Organization.Kind.SUPPLEMENTARY,
    "уо": Organization.Kind.AUTHORITY,
    "моуо": Organization.Kind.AUTHORITY,
    "ммс": Organization.Kind.METHODICAL,
    "мц": Organization.Kind.METHODICAL,
    "партнёр": Organization.Kind.PARTNER,
    "партнер": Organization.Kind.PARTNER,
    "иная": Organization.Kind.OTHER,
    "иное": Organization.Kind.OTHER,
}
LABEL_BY_KIND = {
    Organization.Kind.SCHOOL: "ОО",
    Organization.Kind.PRESCHOOL: "ДОУ",
    Organization.Kind.SUPPLEMENTARY: "ДО",
    Organization.Kind.AUTHORITY: "УО",
    Organization.Kind.METHODICAL: "ММС",
    Organization.Kind.PARTNER: "партнёр",
    Organization.Kind.REGIONAL: "региональная",
    Organization.Kind.OTHER: "иная",
}
for kind in Organization.Kind:
    KIND_BY_LABEL.setdefault(kind.label.lower(), kind.value)
    KIND_BY_LABEL.setdefault(kind.value, kind.value)

TRUE_TEXTS = {"да", "д", "1", "+", "true", "истина", "yes"}
FALSE_TEXTS = {"нет", "н", "0", "-", "false", "ложь", "no", ""}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", " ", str(value)).strip()


class CodeWidget(widgets.CharWidget):
    """Codes stay text: leading zeros kept, a whole float from Excel loses its ".0"."""

    def clean(self, value, row=None, **kwargs):
        return unescape_text(_text(value))


class KindWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text not in KIND_BY_LABEL:
            raise ValueError(f"Неизвестный тип «{_text(value)}»: ожидается ОО, ДОУ, ДО, УО, ММС или иная")
        return KIND_BY_LABEL[text]

    def render(self, value, obj=None, **kwargs):
        return LABEL_BY_KIND.get(value, value or "")


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in TRUE_TEXTS:
            return True
        if text in FALSE_TEXTS:
            return False
        raise ValueError(f"Значение «{_text(value)}» не понято: ожидается «да» или «нет»")

    def render(self, value, obj=None, **kwargs):
        return "да" if value else "нет"


class CountWidget(widgets.Widget):
    """A count kept in an integer column: a whole number within the column's range (10^30 would pass
    the model's validators on SQLite, which store any 64-bit number, and fail on PostgreSQL)."""

    def __init__(self, label: str, allowed: Range, **kwargs):
        super().__init__(**kwargs)
        self.label, self.allowed = label, allowed

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        number = parse_number(text)
        reason = refusal(self.label, text, number, self.allowed)
        if reason:
            raise ValueError(reason)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class MunicipalityWidget(widgets.ForeignKeyWidget):
    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            raise ValueError("Не указан муниципалитет (столбец «Муниципалитет»)")
        found = list(Municipality.objects.filter(name__iexact=name)[:2])
        if len(found) != 1:
            raise ValueError(f"Муниципалитет «{name}» {'не найден' if not found else 'неоднозначен'}")
        return found[0]


class TextWidget(widgets.CharWidget):
    """Text as written; the apostrophe the product's CSV export puts before «+7 …» is dropped."""

    def clean(self, value, row=None, **kwargs):
        return unescape_text(_text(value))


def _field(attribute, column, widget=None):
    return fields.Field(attribute=attribute, column_name=column, widget=widget or TextWidget())


class OrganizationResource(resources.ModelResource):
    code = _field("code", "Код ОО", CodeWidget())
    rcoi_code = _field("rcoi_code", "Код РЦОИ", CodeWidget())
    full_name = _field("full_name", "Полное наименование")
    short_name = _field("short_name", "Краткое наименование")
    kind = _field("kind", "Тип", KindWidget())
    municipality = _field("municipality", "Муниципалитет", MunicipalityWidget(Municipality, "name"))
    address = _field("address", "Адрес")
    is_rural = _field("is_rural", "Сельская", YesNoWidget())
    head_name = _field("head_name", "Руководитель")
    head_position = _field("head_position", "Должность руководителя")
    email = _field("email", "E-mail")
    phone = _field("phone", "Телефон")
    enrolment = _field(
        "enrolment",
        "Численность обучающихся",
        CountWidget("Численность обучающихся", field_range(Organization, "enrolment")),
    )
    unfavourable_conditions = _field("unfavourable_conditions", "ШНСУ", YesNoWidget())
    low_results = _field("low_results", "ШНРО", YesNoWidget())

    class Meta:
        model = Organization
        import_id_fields = ["municipality", "code"]
        fields = [
            "code",
            "full_name",
            "short_name",
            "kind",
            "municipality",
            "address",
            "is_rural",
            "head_name",
            "head_position",
            "email",
            "phone",
            "enrolment",
            "unfavourable_conditions",
            "low_results",
            "rcoi_code",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        store_row_values = True

    def __init__(self, municipality: Municipality | None = None, **kwargs):
        super().__init__(**kwargs)
        self.municipality = municipality
        self._codes_seen: set[tuple[str, str]] = set()

    def get_queryset(self):
        queryset = Organization.objects.select_related("municipality")
        if self.municipality is not None:
            queryset = queryset.filter(municipality=self.municipality)
        return queryset

    def before_import(self, dataset, **kwargs):
        self._codes_seen = set()
        if self.municipality is not None:
            # One municipality for the whole file: its name fills (or overrides) the column.
            if "Муниципалитет" in dataset.headers:
                del dataset["Муниципалитет"]
            dataset.append_col([self.municipality.name] * dataset.height, header="Муниципалитет")
        missing = [
            name
            for name in ("Код ОО", "Полное наименование", "Краткое наименование", "Тип")
            if name not in dataset.headers
        ]
        if missing:
            raise ValidationError(f"В файле нет обязательных столбцов: {', '.join(missing)}")

    def before_import_row(self, row, **kwargs):
        code = _text(row.get("Код ОО"))
        if not code:
            raise ValidationError({"code": "Не указан код ОО"})
        key = (_text(row.get("Муниципалитет")).lower(), code.lower())
        if key in self._codes_seen:
            raise ValidationError({"code": f"Код ОО «{code}» встречается в файле дважды"})
        self._codes_seen.add(key)


#: Rows a registry file may hold. A municipality has a few hundred organisations; the check runs
#: in the request at about 2.5 ms a row (django-import-export), so 2 000 rows answer in 5 s and a
#: 20 000-row file, which once held a request for 53 s, is refused at once.
REGISTRY_MAX_ROWS = 2_000


def dataset_from_file(data: bytes, filename: str) -> tuple[tablib.Dataset, list[int]]:
    """Read a registry workbook (.xlsx/.xls/.ods or .csv) into a dataset, through the guarded opener.

    The header row is the first one holding «Код ОО» (title rows above it are skipped); returns
    the dataset and, for each of its rows, the row number as Excel shows it. Raises ValueError
    with a Russian message for a file that cannot be taken.
    """
    try:
        with open_table(data, filename=filename) as table:
            rows = next(table.sheets, (None, iter(())))[1]
            return _dataset(rows, filename)
    except FileRefused as error:
        raise ValueError(str(error)) from error


def _dataset(rows: Iterator[list], filename: str) -> tuple[tablib.Dataset, list[int]]:
    for index, row in enumerate(rows, start=1):
        if index > 30:
            break
        texts = [_text(value) for value in row]
        if any(text.lower() == "код оо" for text in texts):
            headers = texts
            while headers and not headers[-1]:
                headers.pop()
            dataset = tablib.Dataset(headers=headers)
            numbers = []
            for number, body in enumerate(rows, start=index + 1):
                values = [_text(value) for value in body[: len(headers)]]
                values += [""] * (len(headers) - len(values))
                if not any(values):
                    continue
                if len(numbers) >= REGISTRY_MAX_ROWS:
                    raise ValueError(
                        f"В файле «{filename}» больше {REGISTRY_MAX_ROWS:,} организаций: разделите его на несколько "
                        "файлов".replace(",", " ")
                    )
                dataset.append(values)
                numbers.append(number)
            return dataset, numbers
    raise ValueError(f"В файле «{filename}» не найдена строка заголовка со столбцом «Код ОО»")
