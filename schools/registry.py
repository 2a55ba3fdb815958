"""Writes of the registry of organisations (format C): preview and import through the resource."""

from dataclasses import dataclass, field

from django.db import transaction

from config.lib.numbers import number_text
from config.lib.xlsx import workbook_bytes
from schools.models import Municipality
from schools.resources import CountWidget, OrganizationResource, dataset_from_file

ACTION_LABELS = {
    "new": "будет создана",
    "update": "будет изменена",
    "skip": "без изменений",
    "error": "ошибка",
    "invalid": "ошибка",
    "delete": "удаление",
}


class RegistryImportError(Exception):
    """The file cannot be taken at all; the Russian message says why."""


@dataclass
class RegistryOutcome:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    rows: list[dict] = field(default_factory=list)  # {row, action, code, name, changes, errors}
    errors: list[dict] = field(default_factory=list)  # {row, column, value, reason}

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def _snapshot(resource: OrganizationResource) -> dict[str, dict[str, str]]:
    """The registry as the export renders it, by code: the «before» of the preview."""
    return {organization.code.lower(): _rendered(resource, organization) for organization in resource.get_queryset()}


def _rendered(resource: OrganizationResource, instance) -> dict[str, str]:
    return {field.column_name: str(field.export(instance)) for field in resource.get_export_fields()}


def _changes(resource, before: dict[str, dict[str, str]], row_result, code: str) -> list[str]:
    instance = getattr(row_result, "instance", None)
    if instance is None:
        return []
    after = _rendered(resource, instance)
    old = before.get(code.lower(), {})
    changes = []
    for column, value in after.items():
        if column == "Муниципалитет" and resource.municipality is not None:
            continue
        if old.get(column, "") != value:
            changes.append(f"{column}: «{old.get(column, '')}» → «{value}»" if old else f"{column}: «{value}»")
    return changes


def registry_import(*, data: bytes, filename: str, municipality: Municipality | None, dry_run: bool) -> RegistryOutcome:
    """Import a registry workbook: with dry_run nothing is written and the outcome is a preview.

    Rows are matched by municipality and code; a file with any row error writes nothing.
    """
    try:
        dataset, numbers = dataset_from_file(data, filename)
    except ValueError as error:
        raise RegistryImportError(str(error)) from error
    resource = OrganizationResource(municipality=municipality)
    before = _snapshot(resource)
    with transaction.atomic():
        try:
            result = resource.import_data(
                dataset, dry_run=True, raise_errors=False, use_transactions=True, retain_instance_in_row_result=True
            )
        except Exception as error:  # a missing column is raised from before_import
            raise RegistryImportError(_message(error)) from error
        outcome = _outcome(resource, before, result, numbers)
        if not dry_run and not outcome.has_errors:
            result = resource.import_data(
                dataset, dry_run=False, raise_errors=True, use_transactions=True, retain_instance_in_row_result=True
            )
            outcome = _outcome(resource, before, result, numbers)
    return outcome


def _message(error) -> str:
    messages = getattr(error, "messages", None)
    return "; ".join(messages) if messages else str(error)


def _outcome(resource, before, result, numbers: list[int]) -> RegistryOutcome:
    outcome = RegistryOutcome()
    for error in result.base_errors:
        outcome.errors.append({"row": None, "column": "", "value": "", "reason": _message(error.error)})
    for index, row_result in enumerate(result.rows):
        number = numbers[index] if index < len(numbers) else index + 2
        values = row_result.row_values or {}
        action = row_result.import_type
        code = str(values.get("Код ОО", ""))
        outcome.rows.append(
            {
                "row": number,
                "action": action,
                "action_label": ACTION_LABELS.get(action, action),
                "code": code,
                "name": values.get("Краткое наименование", ""),
                "changes": _changes(resource, before, row_result, code) if action in ("new", "update") else [],
            }
        )
        if action == "new":
            outcome.new += 1
        elif action == "update":
            outcome.updated += 1
        elif action == "skip":
            outcome.skipped += 1
        for error in row_result.errors:
            outcome.errors.append({"row": number, "column": "", "value": "", "reason": _message(error.error)})
        validation = row_result.validation_error
        if validation is not None:
            for field_name, messages in getattr(validation, "message_dict", {"__all__": validation.messages}).items():
                column = _column_name(field_name)
                value = str(values.get(column, ""))
                if isinstance(getattr(OrganizationResource.fields.get(field_name), "widget", None), CountWidget):
                    value = number_text(value)  # 1e+308, not the 309 digits Excel's number came as
                for message in messages:
                    outcome.errors.append({"row": number, "column": column, "value": value, "reason": message})
    outcome.errors.sort(key=lambda item: (item["row"] or 0, item["column"]))
    return outcome


def _column_name(field_name: str) -> str:
    resource_field = OrganizationResource.fields.get(field_name)
    return resource_field.column_name if resource_field is not None else ("" if field_name == "__all__" else field_name)


def registry_export(*, municipality: Municipality | None) -> bytes:
    """The registry as a workbook; names and addresses come from people, so no cell is a formula
    (tablib's own xlsx writer would make «=HYPERLINK(…)» a live one)."""
    resource = OrganizationResource(municipality=municipality)
    dataset = resource.export(resource.get_queryset())
    return workbook_bytes(dataset.headers, dataset, title="Реестр организаций")
