"""Writes of publications: an official puts a document, a zoning's summary or a year's indicator
values on the municipality's open page, and takes it down. Publishing the same thing again replaces
the earlier publication (one current version of each on the page)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from config.lib.fragments import DOCUMENTS, writes
from monitoring.analysis.selectors import effectiveness, effectiveness_school_groups
from monitoring.models import IndicatorValue, ZoningMethod
from reports.models import AnalyticReport, Publication, ReportFile
from reports.publication.selectors import people_named, small_groups_refusal
from reports.services import document_digest
from roadmaps.models import Order, Roadmap
from schools.access import access_for, enforce
from schools.models import Municipality

PUBLISH_REFUSED = "Публикует и снимает с публикации руководитель органа управления образованием муниципалитета"
Kind = ReportFile.Kind


def _source(report: ReportFile, by) -> tuple[Municipality, str]:
    """The municipality a kept document belongs to and its title on the open page; a document that
    may not be published says why. A document with a school value of a small group is refused whole,
    naming the schools: what goes on the site is the very file the officials approved, never a
    quietly cut copy of it (README, «Публикация»)."""
    if report.kind == Kind.ROADMAP_PDF:
        roadmap = report.roadmap
        if roadmap.status != Roadmap.Status.APPROVED or roadmap.owner.municipality_id is None:
            raise ValidationError("Публикуется только утверждённая дорожная карта муниципалитета")
        return roadmap.owner.municipality, f"Дорожная карта: {roadmap.title}"
    if report.kind == Kind.ORDER_PDF:
        order = report.order
        if order.status != Order.Status.SIGNED or order.organization.municipality_id is None:
            raise ValidationError("Публикуется только подписанный приказ муниципалитета")
        return order.organization.municipality, f"{order}: {order.title}"
    if report.kind == Kind.RECOMMENDATION_PDF:
        recommendation = report.recommendation
        comments = list(recommendation.addressees.values_list("comment", flat=True))
        if named := people_named([recommendation.text, *comments], recommendation.municipality):
            raise ValidationError(
                f"Не публикуется: в тексте рекомендации или в комментариях к решениям названы люди — "
                f"{', '.join(named)}. На открытой странице не называют руководителей, педагогов и обучающихся."
            )
        return (
            recommendation.municipality,
            f"Адресные рекомендации {recommendation.get_group_display()} от {recommendation.created_at:%d.%m.%Y}",
        )
    if report.kind == Kind.EFFECTIVENESS_PDF:
        method = report.zoning_method
        if refusal := effectiveness_publish_refusal(method, by=by):
            raise ValidationError(refusal)
        return method.municipality, f"Анализ эффективности принятых мер (методика «{method.title}», {method.year})"
    if report.kind == Kind.SPRAVKA_PDF:
        spravka = report.spravka
        if spravka.status != AnalyticReport.Status.APPROVED:
            raise ValidationError("Публикуется только утверждённая аналитическая справка")
        if report.params.get("digest") != document_digest(kind=report.kind, spravka=spravka, params={}):
            raise ValidationError("Этот файл справки устарел: сформируйте PDF заново")
        if refusal := spravka_publish_refusal(spravka):
            raise ValidationError(refusal)
        return spravka.municipality, spravka.title
    raise ValidationError(f"«{report.get_kind_display()}» не публикуется: в нём сведения об отдельных организациях")


def spravka_publish_refusal(spravka: AnalyticReport) -> str:
    """Why an approved справка may not be published ("" when it may): it shows a school's values
    computed over a group smaller than the open page allows."""
    return small_groups_refusal(spravka.content.get("numbers", {}).get("school_groups", []))


def effectiveness_publish_refusal(method: ZoningMethod, *, by) -> str:
    """Why the «анализ эффективности» of a method may not be published ("" when it may): its
    before/after rows show a school's value computed over a small group. Read as the publishing
    official sees them, every school of the municipality."""
    rows, _ = effectiveness(by, method.municipality, method=method)
    return small_groups_refusal(effectiveness_school_groups(rows))


def _replace(**same) -> None:
    Publication.objects.filter(withdrawn_at__isnull=True, **same).update(withdrawn_at=timezone.now())


@writes(DOCUMENTS)
def publication_of_file(*, report: ReportFile, by) -> Publication:
    municipality, title = _source(report, by)
    enforce(access_for(by).can_approve_in(municipality.pk), PUBLISH_REFUSED)
    source = {
        "file__kind": report.kind,
        "file__roadmap": report.roadmap,
        "file__order": report.order,
        "file__recommendation": report.recommendation,
        "file__zoning_method": report.zoning_method,
        "file__spravka": report.spravka,
    }
    _replace(kind=Publication.Kind.DOCUMENT, **{k: v for k, v in source.items() if v is not None})
    return Publication.objects.create(
        municipality=municipality, kind=Publication.Kind.DOCUMENT, title=title, file=report, published_by=by
    )


@writes(DOCUMENTS)
def publication_of_zoning(*, method: ZoningMethod, by) -> Publication:
    enforce(access_for(by).can_approve_in(method.municipality_id), PUBLISH_REFUSED)
    if method.status != ZoningMethod.Status.APPROVED or not method.computed_at:
        raise ValidationError("Публикуются итоги утверждённой методики с рассчитанными зонами")
    _replace(kind=Publication.Kind.ZONING, zoning_method=method)
    return Publication.objects.create(
        municipality=method.municipality, kind=Publication.Kind.ZONING, zoning_method=method, published_by=by,
        title=f"Итоги зонирования образовательных организаций за {method.year - 1}/{method.year} учебный год",
    )  # fmt: skip


@writes(DOCUMENTS)
def publication_of_indicators(*, municipality: Municipality, year: int, by) -> Publication:
    enforce(access_for(by).can_approve_in(municipality.pk), PUBLISH_REFUSED)
    if not IndicatorValue.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError(f"За {year - 1}/{year} учебный год показатели не рассчитаны: публиковать нечего")
    _replace(kind=Publication.Kind.INDICATORS, municipality=municipality, year=year)
    return Publication.objects.create(
        municipality=municipality, kind=Publication.Kind.INDICATORS, year=year, published_by=by,
        title=f"Значения показателей качества образования за {year - 1}/{year} учебный год",
    )  # fmt: skip


@writes(DOCUMENTS)
def publication_withdraw(*, publication: Publication, by) -> Publication:
    enforce(access_for(by).can_approve_in(publication.municipality_id), PUBLISH_REFUSED)
    if publication.withdrawn_at is None:
        publication.withdrawn_at, publication.withdrawn_by = timezone.now(), by
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return publication
