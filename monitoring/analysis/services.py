"""Writes of the analysis part of monitoring: the indicator catalogue, zoning methods and their
rules, approval, zones, collection campaigns and reported values, addressed recommendations and
the measures targeted at the organisations of a zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from config.audit.services import audit_record
from config.lib.fragments import EXECUTION, ROADMAPS, ZONES, writes
from config.lib.numbers import field_range, parse_number, refusal
from config.lib.untrusted import DEFAULT, FileRefused, Table, open_table
from monitoring.models import (
    Campaign,
    IndicatorDefinition,
    ReportedValue,
    TargetedMeasure,
    ZoningMethod,
    ZoningRule,
)
from monitoring.zoning import RangeError, parse_ranges, ranges_from_example, validate_ranges, zones_compute
from roadmaps.models import Measure, Section
from roadmaps.services import measure_create, order_save, order_sign
from schools.access import AUTHORITY_KINDS, access_for, enforce
from schools.models import Municipality, Organization

INDICATORS_YAML = Path(__file__).resolve().parent.parent / "data" / "indicators.yaml"


class MethodStateError(ValidationError):
    """The method is in a state where this change is not allowed (e.g. approved: frozen)."""


def _scale(code: str, unit: str) -> tuple[float, float | None]:
    if unit == "%" or unit == "да/нет":
        return 0.0, 100.0
    if unit == "п.п.":
        return (-100.0, 100.0) if code.endswith("_dynamics") else (0.0, 100.0)
    return 0.0, None


def _form_kind(form: dict | None) -> str:
    if not form:
        return ""
    if "numerator" in form:
        return IndicatorDefinition.FormKind.RATIO
    return (
        IndicatorDefinition.FormKind.YES_NO
        if "да/нет" in str(form.get("value", ""))
        else IndicatorDefinition.FormKind.NUMBER
    )


@writes(ZONES)
def indicators_load(*, path: Path = INDICATORS_YAML) -> dict:
    """Load (or refresh) every indicator of indicators.yaml; running it again changes nothing."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    created = updated = 0
    order = 0
    for source, key in (
        (IndicatorDefinition.Source.RESULTS, "computed"),
        (IndicatorDefinition.Source.REPORTED, "reported"),
    ):
        for item in data.get(key) or []:
            order += 1
            scale_min, scale_max = _scale(item["code"], item.get("unit", "%"))
            form = item.get("form") or {}
            fields = {
                "name": item["name"],
                "direction_code": str(item.get("direction", "")),
                "unit": item.get("unit", "%"),
                "better": item.get("better", "higher"),
                "formula": item.get("formula", ""),
                "source": source,
                "level": item.get("level", IndicatorDefinition.Level.SCHOOL),
                "slices": item.get("slices") or [],
                "form_kind": _form_kind(form),
                "numerator_label": form.get("numerator", form.get("value", "")),
                "denominator_label": form.get("denominator", ""),
                "target": item.get("target", ""),
                "scale_min": scale_min,
                "scale_max": scale_max,
                "is_builtin": True,
                "order": order,
            }
            indicator = IndicatorDefinition.objects.filter(code=item["code"]).first()
            if indicator is None:
                IndicatorDefinition.objects.create(code=item["code"], **fields)
                created += 1
            elif any(getattr(indicator, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(indicator, name, value)
                indicator.save()
                updated += 1
    return {"показателей создано": created, "обновлено": updated}


def example_method_definition(path: Path = INDICATORS_YAML) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["example_zoning_method"]


@writes(ZONES)
def example_method_load(*, municipality: Municipality, year: int, by=None) -> ZoningMethod:
    """The example method of indicators.yaml for the municipality and year, labelled as an
    example (is_example); created once, found afterwards."""
    existing = ZoningMethod.objects.filter(municipality=municipality, year=year, is_example=True).first()
    if existing is not None:
        return existing
    example = example_method_definition()
    method = ZoningMethod.objects.create(
        municipality=municipality,
        year=year,
        title=example["title"],
        is_example=True,
        combine=example.get("combine", ZoningMethod.Combine.WORST),
        minimum_participants=example.get("minimum_participants", 5),
        created_by=by,
    )
    indicators = {i.code: i for i in IndicatorDefinition.objects.all()}
    for order, rule in enumerate(example["rules"], start=1):
        indicator = indicators[rule["indicator"]]
        ranges = ranges_from_example(rule, scale_max=indicator.scale_max)
        _check_ranges(indicator, ranges)
        ZoningRule.objects.create(
            method=method, indicator=indicator, ranges=ranges, order=order, weight=rule.get("weight", 1)
        )
    return method


def _check_ranges(indicator: IndicatorDefinition, ranges: list[dict]) -> None:
    errors = validate_ranges(ranges, scale_min=indicator.scale_min, scale_max=indicator.scale_max)
    if errors:
        raise ValidationError({"ranges": errors})


def _require_draft(method: ZoningMethod) -> None:
    if not method.is_editable:
        raise MethodStateError("Методика утверждена и не может быть изменена: создайте новую методику")


EDIT_REFUSED = "Изменять методики может только методист или руководитель УО муниципалитета"
METHOD_APPROVE_REFUSED = "Утвердить методику может только руководитель УО"


@writes(ZONES)
def method_create(*, municipality: Municipality, by, year: int, title: str, **fields) -> ZoningMethod:
    enforce(access_for(by).can_manage_monitoring(municipality.pk), EDIT_REFUSED)
    method = ZoningMethod(municipality=municipality, year=year, title=title, created_by=by, **fields)
    method.full_clean()
    method.save()
    return method


@writes(ZONES)
def method_update(*, method: ZoningMethod, by, **fields) -> ZoningMethod:
    enforce(access_for(by).can_manage_monitoring(method.municipality_id), EDIT_REFUSED)
    _require_draft(method)
    for name, value in fields.items():
        setattr(method, name, value)
    method.full_clean()
    method.save()
    return method


@writes(ZONES)
def rule_add(
    *, method: ZoningMethod, by, indicator: IndicatorDefinition, ranges_text: str = "", ranges: list | None = None,
    subject: str = "", grade: int | None = None, weight: float = 1,
) -> ZoningRule:  # fmt: skip
    """Add a rule; ranges that leave a gap, overlap, are reversed or leave the scale are refused."""
    enforce(access_for(by).can_manage_monitoring(method.municipality_id), EDIT_REFUSED)
    _require_draft(method)
    if ranges is None:
        try:
            ranges = parse_ranges(ranges_text)
        except RangeError as error:
            raise ValidationError({"ranges": [str(error)]}) from error
    _check_ranges(indicator, ranges)
    order = (method.rules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return ZoningRule.objects.create(
        method=method,
        indicator=indicator,
        ranges=ranges,
        subject=subject or "",
        grade=grade,
        weight=weight,
        order=order,
    )


@writes(ZONES)
def rule_delete(*, rule: ZoningRule, by) -> None:
    enforce(access_for(by).can_manage_monitoring(rule.method.municipality_id), EDIT_REFUSED)
    _require_draft(rule.method)
    rule.delete()


METHOD_ORDER_TITLE = "Об утверждении методики зонирования общеобразовательных организаций"


@writes(ZONES)
def method_approve(
    *, method: ZoningMethod, by, order_number: str, order_date: date, signatory_position: str = "",
    signatory_name: str = "",
) -> ZoningMethod:  # fmt: skip
    """Approved by an official of the municipality, by an order like a roadmap: the order of the
    municipality's education authority is created and signed (`roadmaps.services.order_save`,
    `order_sign`), its item names the method, and the method reads its approval from it; then frozen."""
    enforce(access_for(by).can_approve_in(method.municipality_id), METHOD_APPROVE_REFUSED)
    _require_draft(method)
    if not order_number.strip():
        raise ValidationError({"order_number": "Укажите номер приказа об утверждении методики"})
    rules = list(method.rules.select_related("indicator"))
    if not rules:
        raise ValidationError("В методике нет ни одного правила")
    for rule in rules:
        _check_ranges(rule.indicator, rule.ranges)
    authority = (
        Organization.objects.filter(municipality_id=method.municipality_id, kind__in=AUTHORITY_KINDS)
        .order_by("kind", "pk")
        .first()
    )
    if authority is None:
        raise ValidationError(
            "В реестре нет органа управления образованием муниципалитета, от имени которого издаётся приказ: "
            "добавьте его в разделе «Организации»"
        )
    official = by.memberships.filter(organization__municipality_id=method.municipality_id).exclude(position="").first()
    order = order_save(
        by=by,
        organization=authority,
        number=order_number,
        date=order_date,
        title=METHOD_ORDER_TITLE,
        items=[f"Утвердить методику «{method.title}» на {method.year - 1}/{method.year} учебный год."],
        signatory_position=signatory_position or (official.position if official else ""),
        signatory_name=signatory_name or by.get_full_name(),
    )
    order_sign(order=order, by=by)
    method.status = ZoningMethod.Status.APPROVED
    method.approval_order = order
    method.save(update_fields=["status", "approval_order"])
    audit_record(action="approval", user=by, obj=method, detail={"order_id": order.pk, "order_number": order.number})
    return method


def method_zones_compute(*, method: ZoningMethod, by=None, progress=None):
    if by is not None:
        enforce(
            access_for(by).can_manage_monitoring(method.municipality_id),
            "Рассчитать зоны может только методист или руководитель УО",
        )
    return zones_compute(method=method, progress=progress)


@transaction.atomic
def indicator_reported_create(*, by, code: str, name: str, **fields) -> IndicatorDefinition:
    """Administrators add reported indicators to the catalogue."""
    enforce(access_for(by).is_admin, "Добавлять показатели может только администратор")
    unit = fields.get("unit", "%")
    scale_min, scale_max = _scale(code, unit)
    indicator = IndicatorDefinition(
        code=code, name=name, source=IndicatorDefinition.Source.REPORTED, scale_min=scale_min, scale_max=scale_max,
        order=1000 + IndicatorDefinition.objects.count(), **fields,
    )  # fmt: skip
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def campaign_create(
    *, municipality: Municipality, by, title: str, year: int, period_start: date, period_end: date, deadline: date,
    indicators, organizations,
) -> Campaign:  # fmt: skip
    enforce(access_for(by).can_manage_monitoring(municipality.pk), EDIT_REFUSED)
    indicators, organizations = list(indicators), list(organizations)
    if any(not i.is_reported for i in indicators):
        raise ValidationError({"indicators": "В сбор включаются только собираемые показатели"})
    if any(o.municipality_id != municipality.pk for o in organizations):
        raise ValidationError({"organizations": "Организации должны быть из этого муниципалитета"})
    campaign = Campaign(
        municipality=municipality, title=title, year=year, period_start=period_start, period_end=period_end,
        deadline=deadline, created_by=by,
    )  # fmt: skip
    campaign.full_clean()
    campaign.save()
    campaign.indicators.set(indicators)
    campaign.organizations.set(organizations)
    return campaign


#: What ReportedValue's columns hold: counts, so whole numbers within the column type's range.
REPORTED_RANGES = {
    "числитель": field_range(ReportedValue, "numerator"),
    "знаменатель": field_range(ReportedValue, "denominator"),
}


def _clean_reported(
    indicator: IndicatorDefinition, numerator, denominator, yes_no, where: str, columns: tuple[str, str] | None = None
) -> tuple:
    """The values to store, or a ValidationError naming ``where`` (and the file's ``columns``),
    the value and what is allowed."""
    kind = indicator.form_kind
    if kind == IndicatorDefinition.FormKind.YES_NO:
        if yes_no is None:
            raise ValidationError(f"{where}: укажите «да» или «нет»")
        return None, None, yes_no
    parsed = []
    for position, (label, value) in enumerate((("числитель", numerator), ("знаменатель", denominator))):
        number = None if value is None else parse_number(value)
        reason = None if value is None else refusal(label, value, number, REPORTED_RANGES[label])
        if reason:
            place = f"{where}, столбец «{columns[position]}»" if columns else where
            raise ValidationError(f"{place}: {reason}")
        parsed.append(None if number is None else int(number))
    numerator, denominator = parsed
    if kind == IndicatorDefinition.FormKind.NUMBER:
        if numerator is None:
            raise ValidationError(f"{where}: укажите число")
        return numerator, None, None
    if numerator is None or denominator is None:
        raise ValidationError(f"{where}: укажите числитель и знаменатель")
    if numerator > denominator:
        raise ValidationError(f"{where}: числитель {numerator} больше знаменателя {denominator}")
    return numerator, denominator, None


@transaction.atomic
def reported_values_submit(*, campaign: Campaign, organization: Organization, by, values: dict) -> int:
    """values: {indicator: (numerator, denominator, yes_no)} — all validated, then all saved."""
    enforce(
        access_for(by).can_report_for(organization, campaign.municipality_id),
        "Представить данные может руководитель этой организации",
    )
    if not campaign.organizations.filter(pk=organization.pk).exists():
        raise PermissionDenied("Организация не включена в этот сбор")
    allowed = set(campaign.indicators.values_list("pk", flat=True))
    saved = 0
    for indicator, (numerator, denominator, yes_no) in values.items():
        if indicator.pk not in allowed:
            raise ValidationError(f"Показатель «{indicator.name}» не входит в сбор")
        if not indicator.is_collected_from(organization):
            whom = "органа управления образованием" if indicator.level == indicator.Level.AUTHORITY else "организаций"
            raise ValidationError(
                f"Показатель «{indicator.name}» собирается от {whom}, а не от {organization.short_name}"
            )
        cleaned = _clean_reported(indicator, numerator, denominator, yes_no, f"«{indicator.name}»")
        ReportedValue.objects.update_or_create(
            campaign=campaign, organization=organization, indicator=indicator,
            defaults={"numerator": cleaned[0], "denominator": cleaned[1], "yes_no": cleaned[2], "submitted_by": by},
        )  # fmt: skip
        saved += 1
    return saved


IMPORT_COLUMNS = ("Код ОО", "Показатель", "Числитель", "Знаменатель", "Значение")
#: A collection file holds a row per organisation and indicator: a region's worth at most.
COLLECTION_MAX_ROWS = 100_000
COLLECTION_LIMITS = DEFAULT.but(max_bytes=25 << 20)


def _first_rows(table: Table, limit: int) -> Iterator[list]:
    """The rows of the first sheet, at most ``limit`` of them after the header."""
    _, rows = next(table.sheets, ("", iter(())))
    for number, row in enumerate(rows):
        if number > limit:
            raise ValidationError(f"В файле больше {limit:,} строк: разделите его на несколько".replace(",", " "))
        yield row


YES = {"да", "yes", "1", "true"}
NO = {"нет", "no", "0", "false"}


@transaction.atomic
def reported_values_import(*, campaign: Campaign, file, by) -> int:
    """A workbook with the columns «Код ОО, Показатель (код), Числитель, Знаменатель, Значение»;
    any bad row refuses the whole file with its row, column and value named."""
    enforce(
        access_for(by).can_manage_monitoring(campaign.municipality_id),
        "Загружать данные сбора может методист или руководитель УО",
    )
    try:
        with open_table(file, filename=getattr(file, "name", "") or "файл", limits=COLLECTION_LIMITS) as table:
            rows = list(_first_rows(table, COLLECTION_MAX_ROWS))
    except FileRefused as error:
        raise ValidationError(str(error)) from error
    if not rows:
        raise ValidationError("Книга пуста")
    header = [str(cell).strip() for cell in rows[0]]
    missing = [name for name in IMPORT_COLUMNS[:2] if name not in header]
    if missing:
        raise ValidationError(f"Нет столбцов: {', '.join(missing)} (нужны {', '.join(IMPORT_COLUMNS)})")
    col = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    organizations = {o.code: o for o in campaign.organizations.all()}
    indicators = {i.code: i for i in campaign.indicators.all()}
    errors, count = [], 0

    def cell(row, name):
        index = col.get(name)
        value = row[index] if index is not None and index < len(row) else ""
        return None if value in ("", None) else value

    for number, row in enumerate(rows[1:], start=2):
        code, indicator_code = cell(row, "Код ОО"), cell(row, "Показатель")
        if code is None and indicator_code is None:
            continue
        where = f"строка {number}"
        organization = organizations.get(str(code).strip())
        indicator = indicators.get(str(indicator_code).strip())
        if organization is None:
            errors.append(f"{where}, столбец «Код ОО»: «{code}» — организации нет в сборе")
            continue
        if indicator is None:
            errors.append(f"{where}, столбец «Показатель»: «{indicator_code}» — показателя нет в сборе")
            continue
        if not indicator.is_collected_from(organization):
            errors.append(
                f"{where}, столбец «Показатель»: «{indicator_code}» не собирается от «{organization.short_name}» "
                "(показатели органа управления — только от него самого)"
            )
            continue
        yes_no = None
        value = cell(row, "Значение")
        numerator, numerator_column = cell(row, "Числитель"), "Числитель"
        if indicator.form_kind == IndicatorDefinition.FormKind.YES_NO and value is not None:
            text = str(value).strip().lower()
            if text not in YES | NO:
                errors.append(f"{where}, столбец «Значение»: «{value}» — ожидается «да» или «нет»")
                continue
            yes_no = text in YES
        elif indicator.form_kind == IndicatorDefinition.FormKind.NUMBER and numerator is None:
            numerator, numerator_column = value, "Значение"
        try:
            cleaned = _clean_reported(
                indicator,
                numerator,
                cell(row, "Знаменатель"),
                yes_no,
                where,
                columns=(numerator_column, "Знаменатель"),
            )
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        ReportedValue.objects.update_or_create(
            campaign=campaign, organization=organization, indicator=indicator,
            defaults={"numerator": cleaned[0], "denominator": cleaned[1], "yes_no": cleaned[2], "submitted_by": by},
        )  # fmt: skip
        count += 1
    if errors:
        raise ValidationError(errors)
    return count


@writes(ROADMAPS, EXECUTION)
def targeted_measure_create(
    *, section: Section, organizations, by, description: str, deadline_text: str = "", source_method=None,
    zone_colour: str = "",
) -> Measure:  # fmt: skip
    """A measure in a draft roadmap for exactly the organisations chosen from the zones of a method.
    It is built like any other (`roadmaps.services.measures_build`: a draft only, the deadline
    parsed, one assignment per organisation and occurrence, history recorded); this adds the link
    to the zoning method it came from."""
    organizations = list(organizations)
    if not organizations:
        raise ValidationError("Выберите хотя бы одну организацию")
    measure = measure_create(
        section=section, by=by, description=description, deadline_text=deadline_text, organizations=organizations
    )
    targeting = TargetedMeasure.objects.create(
        measure=measure, zoning_method=source_method, zone_colour=zone_colour, created_by=by
    )
    targeting.organizations.set(organizations)
    return measure
