"""Writes of school context data: the workbook import (a preview first, then all rows or none) and
the template the authority fills in.

The workbook holds counts, one row a school: «Код ОО», «Численность обучающихся», «Обучающихся с
ОВЗ», «Сельская», «Число классов», «Педагогических работников», «Вакансий педагогов». No child is
named in it, and a file with a column of names is refused whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from config.lib.numbers import Range, field_range, number_text, parse_number, refusal
from config.lib.untrusted import FileRefused, open_table
from config.lib.xlsx import workbook_bytes
from schools.access import access_for, enforce
from schools.models import Municipality, Organization, SchoolContext

#: A municipality has tens of schools, a region's file a few thousand.
CONTEXT_MAX_ROWS = 5_000
HEADER_SEARCH_ROWS = 30
IMPORT_REFUSED = "Контекстные данные школ загружают методисты и руководители управления образования"

CODE, NAME, PUPILS, OVZ, RURAL, CLASSES, TEACHERS, VACANCIES = (
    "Код ОО",
    "Наименование",
    "Численность обучающихся",
    "Обучающихся с ОВЗ",
    "Сельская",
    "Число классов",
    "Педагогических работников",
    "Вакансий педагогов",
)
COLUMNS = [CODE, NAME, PUPILS, OVZ, RURAL, CLASSES, TEACHERS, VACANCIES]
REQUIRED = [CODE, PUPILS, CLASSES, TEACHERS]
#: column → (model field, the domain's range within the column's)
NUMBERS = {
    PUPILS: ("pupils", field_range(SchoolContext, "pupils").within(1, 20_000)),
    OVZ: ("ovz_pupils", field_range(SchoolContext, "ovz_pupils").within(0, 20_000)),
    CLASSES: ("classes", field_range(SchoolContext, "classes").within(1, 1_000)),
    TEACHERS: ("teachers", field_range(SchoolContext, "teachers").within(0, 5_000)),
    VACANCIES: ("vacancies", field_range(SchoolContext, "vacancies").within(0, 5_000)),
}
#: Headers that name people: such a column has no place in this file (children are never named).
PERSONAL = re.compile(r"фио|фамили|имя|отчеств|ученик|обучающийся$", re.IGNORECASE)
YES, NO = {"да", "д", "1", "+", "сельская", "село"}, {"нет", "н", "0", "-", "городская", "город"}
FIELDS = ("pupils", "ovz_pupils", "is_rural", "classes", "teachers", "vacancies")
ACTIONS = {"new": "будет добавлена", "update": "будет изменена", "skip": "без изменений"}


class ContextImportError(Exception):
    """The file cannot be taken at all; the Russian message says why."""


@dataclass
class ContextOutcome:
    year: int
    rows: list[dict] = field(default_factory=list)  # {row, code, name, action, action_label, values}
    errors: list[dict] = field(default_factory=list)  # {row, column, value, reason}
    written: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row["action"] == action)

    @property
    def count_new(self) -> int:
        return self.count("new")

    @property
    def count_update(self) -> int:
        return self.count("update")

    @property
    def count_skip(self) -> int:
        return self.count("skip")

    @property
    def messages(self) -> list[str]:
        return [
            f"Строка {error['row']}, столбец «{error['column']}»: {error['reason']}"
            if error["row"]
            else error["reason"]
            for error in self.errors
        ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return re.sub(r"\s+", " ", str(value)).strip()


def _rows(data: bytes, filename: str) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The header's columns and the rows below it with their numbers as Excel shows them."""
    try:
        with open_table(data, filename=filename) as table:
            rows = next(table.sheets, (None, iter(())))[1]
            for index, row in enumerate(rows, start=1):
                if index > HEADER_SEARCH_ROWS:
                    break
                texts = [_text(value) for value in row]
                if not any(text.lower() == CODE.lower() for text in texts):
                    continue
                personal = [text for text in texts if text and PERSONAL.search(text)]
                if personal:
                    raise ContextImportError(
                        f"В файле «{filename}» есть столбец «{personal[0]}»: имена детей и работников в контекстные "
                        "данные не загружаются. Удалите столбец и загрузите файл снова"
                    )
                header = {}
                for position, text in enumerate(texts):
                    for column in COLUMNS:
                        if text.lower() == column.lower() and column not in header:
                            header[column] = position
                missing = [column for column in REQUIRED if column not in header]
                if missing:
                    raise ContextImportError(
                        f"В файле «{filename}» нет обязательных столбцов: {', '.join(f'«{m}»' for m in missing)}. "
                        "Скачайте шаблон на странице контекстных данных"
                    )
                body = []
                for number, values in enumerate(rows, start=index + 1):
                    if not any(_text(value) for value in values):
                        continue
                    if len(body) >= CONTEXT_MAX_ROWS:
                        raise ContextImportError(
                            f"В файле «{filename}» больше {CONTEXT_MAX_ROWS} строк: разделите его на несколько файлов"
                        )
                    body.append((number, list(values)))
                return header, body
    except FileRefused as error:
        raise ContextImportError(str(error)) from error
    raise ContextImportError(f"В файле «{filename}» не найдена строка заголовка со столбцом «{CODE}»")


def _number(cell, column: str, allowed: Range, errors: list, row: int) -> int | None:
    text = _text(cell)
    if not text:
        return None
    number = parse_number(text)
    reason = refusal("Значение", text, number, allowed)
    if reason:
        errors.append({"row": row, "column": column, "value": number_text(text), "reason": reason})
        return None
    return int(number)


def _parse(header, body, organizations: dict[str, Organization]) -> tuple[list[dict], list[dict]]:
    parsed, errors, seen = [], [], {}

    def cell(values, column):
        position = header.get(column)
        return values[position] if position is not None and position < len(values) else ""

    for number, values in body:
        before = len(errors)
        code = _text(cell(values, CODE))
        organization = organizations.get(code.lower())
        if not code:
            errors.append({"row": number, "column": CODE, "value": "", "reason": "не указан код ОО"})
        elif organization is None:
            errors.append(
                {
                    "row": number,
                    "column": CODE,
                    "value": code,
                    "reason": f"школы с кодом «{code}» нет в реестре муниципалитета",
                }
            )
        elif code.lower() in seen:
            errors.append(
                {
                    "row": number,
                    "column": CODE,
                    "value": code,
                    "reason": f"код «{code}» уже был в строке {seen[code.lower()]}",
                }
            )
        else:
            seen[code.lower()] = number
        result = {}
        for column, (name, allowed) in NUMBERS.items():
            value = _number(cell(values, column), column, allowed, errors, number)
            if value is None and column in REQUIRED and not _text(cell(values, column)):
                errors.append({"row": number, "column": column, "value": "", "reason": "значение не указано"})
            result[name] = value if value is not None else 0
        rural_text = _text(cell(values, RURAL)).lower()
        if rural_text in YES:
            result["is_rural"] = True
        elif rural_text in NO:
            result["is_rural"] = False
        elif not rural_text:
            result["is_rural"] = organization.is_rural if organization else False  # as the registry says
        else:
            errors.append({"row": number, "column": RURAL, "value": rural_text, "reason": "ожидается «да» или «нет»"})
        if len(errors) == before and result["ovz_pupils"] > result["pupils"]:
            errors.append(
                {
                    "row": number,
                    "column": OVZ,
                    "value": str(result["ovz_pupils"]),
                    "reason": f"обучающихся с ОВЗ больше, чем всех обучающихся ({result['pupils']})",
                }
            )
        if len(errors) == before:
            parsed.append({"row": number, "organization": organization, "values": result})
    return parsed, errors


def context_import(
    *, data: bytes, filename: str, municipality: Municipality, year: int, by, dry_run: bool
) -> ContextOutcome:
    """Check a context workbook for the municipality's schools and the year; with ``dry_run`` nothing
    is written and the outcome is the preview. A file with any bad row writes nothing: each bad
    cell is named by its row and column."""
    enforce(access_for(by).can_import_context(municipality.pk), IMPORT_REFUSED)
    header, body = _rows(data, filename)
    if not body:
        raise ContextImportError(f"В файле «{filename}» нет строк со школами под заголовком")
    organizations = {o.code.lower(): o for o in Organization.objects.filter(municipality=municipality).schools()}
    parsed, errors = _parse(header, body, organizations)
    outcome = ContextOutcome(year=year, errors=errors)
    existing = {
        c.organization_id: c for c in SchoolContext.objects.filter(organization__municipality=municipality, year=year)
    }
    for item in parsed:
        organization, values = item["organization"], item["values"]
        old = existing.get(organization.pk)
        if old is None:
            action = "new"
        elif all(getattr(old, name) == values[name] for name in FIELDS):
            action = "skip"
        else:
            action = "update"
        item["action"] = action
        outcome.rows.append(
            {
                "row": item["row"],
                "code": organization.code,
                "name": organization.short_name,
                "action": action,
                "action_label": ACTIONS[action],
                "values": values,
            }
        )
    outcome.errors.sort(key=lambda error: (error["row"] or 0, COLUMNS.index(error["column"])))
    if dry_run or outcome.has_errors:
        return outcome
    with transaction.atomic():
        for item in parsed:
            if item["action"] == "skip":
                continue
            SchoolContext.objects.update_or_create(
                organization=item["organization"], year=year, defaults={**item["values"], "imported_by": by}
            )
    outcome.written = True
    return outcome


def context_template(*, municipality: Municipality, year: int) -> bytes:
    """The workbook to fill in: a row for each active school of the municipality, with the year's
    values already loaded (or, for a school without them, its registry's contingent and rural flag)."""
    contexts = {
        c.organization_id: c for c in SchoolContext.objects.filter(organization__municipality=municipality, year=year)
    }
    rows = []
    schools = Organization.objects.filter(municipality=municipality, is_active=True).schools().order_by("code")
    for school in schools:
        context = contexts.get(school.pk)
        if context is not None:
            values = [context.pupils, context.ovz_pupils, "да" if context.is_rural else "нет", context.classes]
            values += [context.teachers, context.vacancies]
        else:
            values = [school.enrolment or "", "", "да" if school.is_rural else "нет", "", "", ""]
        rows.append([school.code, school.short_name, *values])
    return workbook_bytes(COLUMNS, rows, title=f"Контекст {year - 1}-{year}")
