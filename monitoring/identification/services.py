"""Writes of the ШНРО/ШНСУ identification: methods and their criteria, the method's approval by
an order, the run that makes the year's list, and the list's approval, which sets the schools'
flags (Organization.low_results, unfavourable_conditions) for that year."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from config.audit.services import audit_record
from config.lib.fragments import INDICATORS, ORGANIZATIONS, ZONES, writes
from monitoring.identification.compute import evaluate
from monitoring.models import (
    IdentificationCriterion,
    IdentificationEntry,
    IdentificationList,
    IdentificationMethod,
    IndicatorDefinition,
)
from roadmaps.services import order_save, order_sign
from schools.access import AUTHORITY_KINDS, access_for, enforce
from schools.models import Municipality, Organization, organizations_changed

EDIT_REFUSED = "Изменять методики идентификации ШНРО и ШНСУ может методист или руководитель УО муниципалитета"
RUN_REFUSED = "Рассчитать список ШНРО и ШНСУ может методист или руководитель УО муниципалитета"
APPROVE_REFUSED = "Утвердить методику или список ШНРО и ШНСУ может только руководитель УО муниципалитета"
METHOD_ORDER_TITLE = (
    "Об утверждении методики идентификации школ с низкими результатами обучения и школ, "
    "функционирующих в неблагоприятных социальных условиях"
)
LIST_ORDER_TITLE = (
    "Об утверждении списка школ с низкими результатами обучения и школ, функционирующих в "
    "неблагоприятных социальных условиях"
)
MAX_YEARS = 5

Kind = IdentificationCriterion.Kind


class IdentificationStateError(ValidationError):
    """The method or list is in a state where this change is not allowed (approved: frozen)."""


def _require_draft(method: IdentificationMethod) -> None:
    if not method.is_editable:
        raise IdentificationStateError(
            "Методика утверждена и не может быть изменена: создайте новую методику на следующий год"
        )


def _check_required(results_required, context_required) -> None:
    errors = {}
    for name, value, what in (
        ("results_required", results_required, "ШНРО: число критериев по результатам"),
        ("context_required", context_required, "ШНСУ: число контекстных критериев"),
    ):
        if not isinstance(value, int) or value < 1:
            errors[name] = f"{what} — целое число не меньше 1, указано «{value}»"
    if errors:
        raise ValidationError(errors)


@writes(ZONES)
def method_create(
    *, municipality: Municipality, by, year: int, title: str, results_required: int = 1, context_required: int = 1,
    minimum_participants: int = 5,
) -> IdentificationMethod:  # fmt: skip
    enforce(access_for(by).can_identify(municipality.pk), EDIT_REFUSED)
    _check_required(results_required, context_required)
    method = IdentificationMethod(
        municipality=municipality, year=year, title=title.strip(), results_required=results_required,
        context_required=context_required, minimum_participants=minimum_participants, created_by=by,
    )  # fmt: skip
    method.full_clean()
    method.save()
    return method


@writes(ZONES)
def method_update(*, method: IdentificationMethod, by, **fields) -> IdentificationMethod:
    enforce(access_for(by).can_identify(method.municipality_id), EDIT_REFUSED)
    _require_draft(method)
    allowed = {"title", "year", "results_required", "context_required", "minimum_participants"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Эти поля методики не изменяются: {', '.join(sorted(unknown))}")
    _check_required(
        fields.get("results_required", method.results_required), fields.get("context_required", method.context_required)
    )
    for name, value in fields.items():
        setattr(method, name, value)
    method.full_clean()
    method.save()
    return method


def criterion_clean(
    *, kind: str, indicator: IndicatorDefinition | None = None, subject: str = "", grade: int | None = None,
    comparison: str = IdentificationCriterion.Comparison.AT_LEAST, threshold: float | None = None,
    years_window: int = 1, years_required: int = 1,
) -> dict:  # fmt: skip
    """The criterion's fields as they will be stored, or a ValidationError whose every message names
    the field and the value that is wrong (in Russian)."""
    errors: dict[str, list[str]] = {}

    def refuse(name, message):
        errors.setdefault(name, []).append(message)

    if kind not in Kind.values:
        refuse("kind", f"Вид критерия «{kind}» неизвестен: выберите из списка")
        raise ValidationError(errors)
    if comparison not in IdentificationCriterion.Comparison.values:
        refuse("comparison", f"Сравнение «{comparison}» неизвестно: «не меньше» или «не больше»")
    if threshold is not None and (not isinstance(threshold, int | float) or not math.isfinite(threshold)):
        refuse("threshold", f"Порог «{threshold}» — не число")
        threshold = None
    if kind == Kind.INDICATOR:
        if indicator is None:
            refuse("indicator", "Показатель: выберите показатель, рассчитываемый по результатам")
        elif (
            indicator.source != IndicatorDefinition.Source.RESULTS
            or indicator.level != IndicatorDefinition.Level.SCHOOL
        ):
            refuse(
                "indicator",
                f"Показатель «{indicator.name}» не рассчитывается по результатам школ: выберите показатель "
                "из раздела «Рассчитывается по результатам»",
            )
        if not isinstance(years_window, int) or not 1 <= years_window <= MAX_YEARS:
            refuse("years_window", f"Лет рассматривается (K): от 1 до {MAX_YEARS}, указано «{years_window}»")
        elif not isinstance(years_required, int) or not 1 <= years_required <= years_window:
            refuse(
                "years_required",
                f"Лет с выполнением (N): от 1 до числа рассматриваемых лет ({years_window}), указано «{years_required}»",
            )
        if grade is not None and not 1 <= grade <= 11:
            refuse("grade", f"Параллель: от 1 до 11, указано «{grade}»")
        if threshold is None:
            refuse("threshold", "Порог: укажите число, с которым сравнивается значение показателя")
        elif indicator is not None and (
            threshold < indicator.scale_min or (indicator.scale_max is not None and threshold > indicator.scale_max)
        ):
            refuse(
                "threshold",
                f"Порог {threshold:g} вне шкалы показателя «{indicator.name}» ({indicator.scale_label} {indicator.unit})",
            )
    else:
        indicator, subject, grade, years_window, years_required = None, "", None, 1, 1
        if kind == Kind.RURAL:
            threshold, comparison = None, IdentificationCriterion.Comparison.AT_LEAST
        elif threshold is None:
            refuse("threshold", f"Порог: укажите число для критерия «{Kind(kind).label}»")
        elif kind == Kind.OVZ_SHARE and not 0 <= threshold <= 100:
            refuse("threshold", f"Порог доли участий с ОВЗ — процент от 0 до 100, указано {threshold:g}")
        elif kind == Kind.SIZE and threshold < 1:
            refuse("threshold", f"Порог численности обучающихся — не меньше 1, указано {threshold:g}")
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind, "indicator": indicator, "subject": (subject or "").strip(), "grade": grade,
        "comparison": comparison, "threshold": threshold, "years_window": years_window,
        "years_required": years_required,
    }  # fmt: skip


@writes(ZONES)
def criterion_add(*, method: IdentificationMethod, by, **fields) -> IdentificationCriterion:
    """Add a criterion to a draft method; bad input is refused with the field and value named."""
    enforce(access_for(by).can_identify(method.municipality_id), EDIT_REFUSED)
    _require_draft(method)
    cleaned = criterion_clean(**fields)
    order = (method.criteria.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    return IdentificationCriterion.objects.create(method=method, order=order, **cleaned)


@writes(ZONES)
def criterion_delete(*, criterion: IdentificationCriterion, by) -> None:
    enforce(access_for(by).can_identify(criterion.method.municipality_id), EDIT_REFUSED)
    _require_draft(criterion.method)
    criterion.delete()


def method_check(method: IdentificationMethod) -> list[str]:
    """What keeps the method from being approved, in Russian; empty when it can be."""
    criteria = list(method.criteria.all())
    results = sum(1 for c in criteria if c.is_results)
    context = len(criteria) - results
    problems = []
    if not criteria:
        problems.append("В методике нет ни одного критерия")
    if results and method.results_required > results:
        problems.append(
            f"ШНРО: требуется не менее {method.results_required} критериев по результатам, а в методике их "
            f"{results} — уменьшите число или добавьте критерии"
        )
    if context and method.context_required > context:
        problems.append(
            f"ШНСУ: требуется не менее {method.context_required} контекстных критериев, а в методике их "
            f"{context} — уменьшите число или добавьте критерии"
        )
    return problems


def _authority(municipality_id: int) -> Organization:
    authority = (
        Organization.objects.filter(municipality_id=municipality_id, kind__in=AUTHORITY_KINDS)
        .order_by("kind", "pk")
        .first()
    )
    if authority is None:
        raise ValidationError(
            "В реестре нет органа управления образованием муниципалитета, от имени которого издаётся приказ: "
            "добавьте его в разделе «Организации»"
        )
    return authority


def _signed_order(
    *, by, municipality_id: int, number: str, order_date: date, title: str, item: str, signatory_position: str,
    signatory_name: str,
):  # fmt: skip
    if not (number or "").strip():
        raise ValidationError({"order_number": "Укажите номер приказа"})
    if order_date is None:
        raise ValidationError({"order_date": "Укажите дату приказа"})
    official = by.memberships.filter(organization__municipality_id=municipality_id).exclude(position="").first()
    order = order_save(
        by=by, organization=_authority(municipality_id), number=number.strip(), date=order_date, title=title,
        items=[item], signatory_position=signatory_position or (official.position if official else ""),
        signatory_name=signatory_name or by.get_full_name(),
    )  # fmt: skip
    return order_sign(order=order, by=by)


@writes(ZONES)
def method_approve(
    *, method: IdentificationMethod, by, order_number: str, order_date: date, signatory_position: str = "",
    signatory_name: str = "",
) -> IdentificationMethod:  # fmt: skip
    """Approved by an official of the municipality by an order, like a zoning method: the order of the
    authority is created and signed, its item names the method; then the method is frozen."""
    enforce(access_for(by).can_approve_identification(method.municipality_id), APPROVE_REFUSED)
    _require_draft(method)
    problems = method_check(method)
    if problems:
        raise ValidationError(problems)
    order = _signed_order(
        by=by, municipality_id=method.municipality_id, number=order_number, order_date=order_date,
        title=METHOD_ORDER_TITLE, item=f"Утвердить методику «{method.title}» на {method.year_label} учебный год.",
        signatory_position=signatory_position, signatory_name=signatory_name,
    )  # fmt: skip
    method.status = IdentificationMethod.Status.APPROVED
    method.approval_order = order
    method.save(update_fields=["status", "approval_order"])
    audit_record(action="approval", user=by, obj=method, detail={"order_id": order.pk, "order_number": order.number})
    return method


@writes(ZONES)
def list_compute(*, method: IdentificationMethod, by=None, progress: Callable | None = None) -> IdentificationList:
    """Run the approved method for its year: every active school of the municipality with each
    criterion's numbers; the list (computed, not approved) replaces that of an earlier run."""
    if by is not None:
        enforce(access_for(by).can_identify(method.municipality_id), RUN_REFUSED)
    if method.status != IdentificationMethod.Status.APPROVED:
        raise IdentificationStateError("Рассчитать список можно только по утверждённой методике")
    report = progress or (lambda *args, **kwargs: None)
    existing = IdentificationList.objects.select_for_update().filter(method=method).first()
    if existing is not None and existing.is_approved:
        raise IdentificationStateError(f"{existing} утверждён и не пересчитывается")
    steps = {"total": 1}

    def evaluating(done, total, message):  # the evaluation's steps, and one more for the writing
        steps["total"] = total + 1
        report(done, total + 1, message)

    evaluations = evaluate(method, progress=evaluating)
    now = timezone.now()
    listing = existing or IdentificationList(method=method, municipality_id=method.municipality_id, year=method.year)
    listing.computed_at = now
    listing.schools = len(evaluations)
    listing.low_results_count = sum(e.low_results for e in evaluations)
    listing.unfavourable_count = sum(e.unfavourable_conditions for e in evaluations)
    listing.save()
    IdentificationEntry.objects.filter(listing=listing).delete()
    report(steps["total"] - 1, steps["total"], "Сохранение списка")
    _entries_write(listing, evaluations)
    return listing


ENTRY_COLUMNS = (
    "listing_id", "organization_id", "low_results", "unfavourable_conditions", "results_met", "context_met", "criteria",
)  # fmt: skip


def _copy_json(value) -> str:
    """JSON as a field of COPY's text format: json.dumps writes control characters as escapes, so
    only the backslash is special (doubled); str.translate would cost seconds on a region's list."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("\\", "\\\\")


def _entries_write(listing: IdentificationList, evaluations) -> None:
    """PostgreSQL: one COPY (a region's forty thousand rows with their numbers in seconds, where
    bulk_create's INSERTs take half a minute); elsewhere bulk_create."""
    if connection.vendor != "postgresql":
        entries = (
            IdentificationEntry(
                listing=listing,
                organization_id=e.organization_id,
                low_results=e.low_results,
                unfavourable_conditions=e.unfavourable_conditions,
                results_met=e.results_met,
                context_met=e.context_met,
                criteria=e.criteria,
            )
            for e in evaluations
        )
        IdentificationEntry.objects.bulk_create(entries, batch_size=2000)
        return
    flag = {True: "t", False: "f"}
    lines = (
        f"{listing.pk}\t{e.organization_id}\t{flag[e.low_results]}\t{flag[e.unfavourable_conditions]}\t"
        f"{e.results_met}\t{e.context_met}\t{_copy_json(e.criteria)}\n"
        for e in evaluations
    )
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {IdentificationEntry._meta.db_table} ({', '.join(ENTRY_COLUMNS)}) FROM STDIN",
            io.StringIO("".join(lines)),
        )


@writes(ZONES, ORGANIZATIONS, INDICATORS)
def list_approve(
    *, identification_list: IdentificationList, by, order_number: str, order_date: date,
    signatory_position: str = "", signatory_name: str = "",
) -> IdentificationList:  # fmt: skip
    """Approve the year's list by an order of an official; the schools' ШНРО/ШНСУ flags then follow
    it — unless a later year's list is approved already (the flags are the latest year's). The list's
    rows stay as the history of that year."""
    listing = IdentificationList.objects.select_for_update().select_related("method").get(pk=identification_list.pk)
    enforce(access_for(by).can_approve_identification(listing.municipality_id), APPROVE_REFUSED)
    if listing.is_approved:
        raise IdentificationStateError(f"{listing} уже утверждён")
    other = (
        IdentificationList.objects.filter(
            municipality_id=listing.municipality_id, year=listing.year, status=IdentificationList.Status.APPROVED
        )
        .select_related("approval_order")
        .first()
    )
    if other is not None:
        raise IdentificationStateError(
            f"Список ШНРО и ШНСУ на {listing.year_label} учебный год уже утверждён ({other.approval_line})"
        )
    order = _signed_order(
        by=by, municipality_id=listing.municipality_id, number=order_number, order_date=order_date,
        title=LIST_ORDER_TITLE,
        item=(
            f"Утвердить список школ с низкими результатами обучения ({listing.low_results_count}) и школ, "
            f"функционирующих в неблагоприятных социальных условиях ({listing.unfavourable_count}), на "
            f"{listing.year_label} учебный год по методике «{listing.method.title}»."
        ),
        signatory_position=signatory_position, signatory_name=signatory_name,
    )  # fmt: skip
    listing.status = IdentificationList.Status.APPROVED
    listing.approval_order = order
    listing.approved_by = by
    listing.approved_at = timezone.now()
    listing.save(update_fields=["status", "approval_order", "approved_by", "approved_at"])
    flags_apply(listing=listing)
    audit_record(action="approval", user=by, obj=listing, detail={"order_id": order.pk, "order_number": order.number})
    return listing


def flags_apply(*, listing: IdentificationList) -> bool:
    """Set the municipality's schools' flags from the approved list, when it is the latest approved
    year's; True when they were set. Called only from the approval (inside its transaction)."""
    later = IdentificationList.objects.filter(
        municipality_id=listing.municipality_id, status=IdentificationList.Status.APPROVED, year__gt=listing.year
    ).exists()
    if later:
        return False
    schools = Organization.objects.filter(municipality_id=listing.municipality_id, kind=Organization.Kind.SCHOOL)
    schools.update(low_results=False, unfavourable_conditions=False)
    entries = IdentificationEntry.objects.filter(listing=listing)
    schools.filter(pk__in=entries.filter(low_results=True).values("organization_id")).update(low_results=True)
    schools.filter(pk__in=entries.filter(unfavourable_conditions=True).values("organization_id")).update(
        unfavourable_conditions=True
    )
    organizations_changed()  # update() passes by Organization.save: cached names and flags are redrawn
    return True
