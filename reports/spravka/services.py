"""Writes of analytic reports (аналитические справки): generate one from the data, regenerate a
draft, write its conclusions, approve it. Every status change goes through here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from config.lib.fragments import DOCUMENTS, writes
from monitoring.models import Assessment, IndicatorDefinition
from reports.models import AnalyticReport
from reports.spravka.builder import assessment_content, direction_content
from schools.access import access_for, enforce
from schools.models import Municipality, Organization

COMPOSE_REFUSED = "Составляет аналитическую справку методист или руководитель органа управления образованием"
APPROVE_REFUSED = "Утверждает аналитическую справку руководитель органа управления образованием муниципалитета"
Subject = AnalyticReport.Subject


class SpravkaStateError(ValidationError):
    """The справка is not in the state the action needs (an approved one is not changed)."""


def _contents(report: AnalyticReport) -> tuple[str, dict]:
    where = {"municipality": report.municipality, "organization": report.organization}
    if report.subject == Subject.ASSESSMENT:
        content = assessment_content(report.assessment, **where)
    else:
        content = direction_content(report.direction_code, report.year, **where)
    return content["title"], content


@writes(DOCUMENTS)
def spravka_generate(
    *,
    by,
    municipality: Municipality,
    organization: Organization | None = None,
    assessment: Assessment | None = None,
    direction_code: str = "",
    year: int | None = None,
) -> AnalyticReport:
    """A new draft справка on an assessment, or on a direction's indicators in a year, for the
    municipality (organization None) or one of its schools, its numbers computed now."""
    enforce(access_for(by).can_compose_spravka(municipality.pk), COMPOSE_REFUSED)
    if organization is not None and organization.municipality_id != municipality.pk:
        raise ValidationError("Организация справки должна быть из того же муниципалитета")
    if assessment is not None:
        report = AnalyticReport(subject=Subject.ASSESSMENT, assessment=assessment, year=assessment.year)
    else:
        if not IndicatorDefinition.objects.filter(direction_code=direction_code).exists():
            raise ValidationError(f"Показателей направления «{direction_code}» нет в перечне")
        if year is None:
            raise ValidationError("Укажите учебный год справки по направлению")
        report = AnalyticReport(subject=Subject.DIRECTION, direction_code=direction_code, year=year)
    report.municipality, report.organization, report.created_by = municipality, organization, by
    report.title, report.content = _contents(report)
    report.generated_at = timezone.now()
    report.save()
    return report


def _draft(report: AnalyticReport) -> AnalyticReport:
    report = AnalyticReport.objects.select_for_update().get(pk=report.pk)
    if report.status != AnalyticReport.Status.DRAFT:
        raise SpravkaStateError("Утверждённая справка не изменяется: составьте новую")
    return report


@writes(DOCUMENTS)
def spravka_regenerate(*, report: AnalyticReport, by) -> AnalyticReport:
    """Recompute a draft's numbers and statements from today's data (its conclusions are kept)."""
    enforce(access_for(by).can_compose_spravka(report.municipality_id), COMPOSE_REFUSED)
    report = _draft(report)
    report.title, report.content = _contents(report)
    report.generated_at = timezone.now()
    report.save(update_fields=["title", "content", "generated_at", "updated_at"])
    return report


#: «Выводы и рекомендации» longer than this is not a section of a справка but a mistake (a pasted file).
CONCLUSIONS_MAX = 20_000


@writes(DOCUMENTS)
def spravka_conclusions_save(*, report: AnalyticReport, by, conclusions: str) -> AnalyticReport:
    enforce(access_for(by).can_compose_spravka(report.municipality_id), COMPOSE_REFUSED)
    report = _draft(report)
    conclusions = conclusions.replace("\r\n", "\n").strip()
    if len(conclusions) > CONCLUSIONS_MAX:
        raise ValidationError(
            f"«Выводы и рекомендации» длиннее {CONCLUSIONS_MAX} знаков ({len(conclusions)}): сократите текст"
        )
    report.conclusions = conclusions
    report.save(update_fields=["conclusions", "updated_at"])
    return report


@writes(DOCUMENTS)
def spravka_approve(*, report: AnalyticReport, by) -> AnalyticReport:
    """An official approves the draft as it reads now: its numbers stay as generated."""
    enforce(access_for(by).can_approve_in(report.municipality_id), APPROVE_REFUSED)
    report = _draft(report)
    if not report.conclusions.strip():
        raise SpravkaStateError("Перед утверждением методист пишет «Выводы и рекомендации»")
    report.status, report.approved_by, report.approved_at = AnalyticReport.Status.APPROVED, by, timezone.now()
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return report
