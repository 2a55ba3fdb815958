"""Writes of the reports app: kept files, the Excel and Word import into a draft roadmap, and the
documents (every print form and export is rendered by a job and kept as a file)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from config.jobs.models import Job
from config.jobs.services import job_enqueue
from config.lib.fragments import DOCUMENTS, EXECUTION, ROADMAPS, writes
from config.lib.russian import plural
from config.lib.years import academic_year_label
from monitoring.analysis.selectors import (
    EFFECTIVE_SHARE,
    ZoningResults,
    zoning_results,
)
from monitoring.models import Colour, IndicatorValue, Recommendation, TargetedMeasure, Zone, ZoningMethod
from reports.excel import execution_xlsx_bytes
from reports.models import ReportFile
from reports.pdf import (
    render_effectiveness_pdf,
    render_execution_pdf,
    render_order_pdf,
    render_recommendation_pdf,
    render_roadmap_pdf,
    render_spravka_pdf,
    render_zoning_pdf,
)
from reports.selectors import execution_report
from reports.selfassessment.document import render_selfassessment_pdf, report_context, selfassessment_docx_bytes
from reports.selfassessment.selectors import matrix_compute
from reports.typography import full_stop
from reports.word import order_docx_bytes, roadmap_docx_bytes, spravka_docx_bytes
from roadmaps.document import roadmap_document
from roadmaps.models import Assignment, Evidence, Measure, Order, Roadmap
from roadmaps.services import PersonInput, RoadmapStateError, order_save
from roadmaps.word import WordImport, parse_roadmap_docx
from roadmaps.xlsx import ParsedRoadmap, parse_roadmap_workbook, roadmap_xlsx_bytes, write_parsed_roadmap
from schools.access import access_for, enforce
from schools.models import Municipality, Organization


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@writes(DOCUMENTS)  # a kept analysis of effectiveness counts in the self-assessment
def report_file_save(
    *, kind: str, filename: str, content: bytes, by=None, roadmap=None, order=None, method=None,
    recommendation=None, spravka=None, params=None, municipality=None,
) -> ReportFile:  # fmt: skip
    pages = pdf_page_count(content) if filename.endswith(".pdf") else 0
    report = ReportFile(
        kind=kind,
        municipality=municipality,
        roadmap=roadmap,
        order=order,
        zoning_method=method,
        recommendation=recommendation,
        spravka=spravka,
        filename=filename,
        size=len(content),
        pages=pages,
        params=params or {},
        created_by=by if by is not None and by.is_authenticated else None,
    )
    report.file.save(filename, ContentFile(content), save=False)
    try:
        report.save()
    except BaseException:  # a file without its row is nobody's: never leave one behind
        report.file.storage.delete(report.file.name)
        raise
    return report


EDIT_REFUSED = "Изменять может только методист или руководитель органа управления образованием"


@dataclass
class ImportOutcome:
    roadmap: Roadmap
    created: bool
    sections: int
    measures: int
    unchanged: bool = False


def content_digest(roadmap: Roadmap) -> str:
    """A fingerprint of what the roadmap prints (its parameters, sections and measures)."""
    doc = roadmap_document(roadmap)
    rows = [(row.kind, row.number, row.text, sorted(row.cells.items())) for row in doc.rows]
    params = [roadmap.code, roadmap.title, str(roadmap.period_start), str(roadmap.period_end), doc.stamp_lines]
    return hashlib.sha256(repr((params, doc.columns, rows)).encode()).hexdigest()


def _same_file_already_imported(
    sha256: str, *, owner: Organization, roadmap: Roadmap | None, mapping: str = ""
) -> Roadmap | None:
    """The draft this very file was imported into (read with the same columns, for a Word document),
    if the draft still holds what the file put there (edited since — in the editor or by another
    import — it is not the same any more)."""
    drafts = Roadmap.objects.filter(owner=owner, status=Roadmap.Status.DRAFT)
    if roadmap is not None:
        drafts = drafts.filter(pk=roadmap.pk)
    sources = ReportFile.objects.filter(kind=ReportFile.Kind.ROADMAP_IMPORT, roadmap__in=drafts, params__sha256=sha256)
    for source in sources.select_related("roadmap"):
        if source.params.get("mapping", "") != mapping:
            continue
        if source.params.get("content") == content_digest(source.roadmap):
            return source.roadmap
    return None


#: The files a roadmap is imported from: the kind → how the messages name the format.
IMPORT_FORMATS = {"xlsx": "Excel", "docx": "Word"}


def _parsed(*, data: bytes, kind: str, owner: Organization, mapping: list[str] | None) -> tuple[ParsedRoadmap, str]:
    """The file read, and the columns it was read with (a Word document's, as used: guessed or
    corrected; a workbook has fixed ones)."""
    if kind == "docx":
        word = parse_roadmap_docx(data, owner=owner, mapping=mapping)
        return word.parsed, ",".join(word.mapping)
    if kind == "xlsx":
        return parse_roadmap_workbook(data, owner=owner), ""
    raise ValueError(f"unknown import kind {kind!r}")


@writes(ROADMAPS, EXECUTION)
def roadmap_import(
    *,
    data: bytes,
    kind: str,
    by,
    roadmap: Roadmap | None = None,
    owner: Organization | None = None,
    mapping: list[str] | None = None,
) -> ImportOutcome:
    """Import a plan from an Excel workbook (`kind="xlsx"`) or a Word document (`"docx"`, read with
    the columns as `mapping` says, None: as guessed) into `roadmap` (must be a draft: its contents
    are replaced) or into a new draft of `owner`. Raises RoadmapImportError (every problem listed)
    and writes nothing then. The original file is kept with the import; the same file twice changes
    nothing."""
    if roadmap is not None:
        owner = roadmap.owner
        roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
        if roadmap.status != Roadmap.Status.DRAFT:
            raise RoadmapStateError(
                f"Загрузить из {IMPORT_FORMATS.get(kind, kind)} можно только в черновик дорожной карты"
            )
    if owner is None:
        raise ValueError("owner or roadmap is required")
    enforce(access_for(by).can_edit_municipality(owner.municipality_id), EDIT_REFUSED)
    parsed, columns = _parsed(data=data, kind=kind, owner=owner, mapping=mapping)
    sha256 = hashlib.sha256(data).hexdigest()
    same = _same_file_already_imported(sha256, owner=owner, roadmap=roadmap, mapping=columns)
    if same is not None:  # the same file twice changes nothing
        return ImportOutcome(
            roadmap=same, created=False, sections=len(parsed.sections), measures=parsed.measure_count, unchanged=True
        )
    created = roadmap is None
    if created:
        roadmap = Roadmap(owner=owner, status=Roadmap.Status.DRAFT, created_by=by)
    write_parsed_roadmap(parsed, roadmap=roadmap, by=by)
    # the original file is kept with the import, as every import of the product does
    report_file_save(
        kind=ReportFile.Kind.ROADMAP_IMPORT,
        filename=f"import-roadmap-{roadmap.pk}.{kind}",
        content=data,
        roadmap=roadmap,
        by=by,
        params={
            "sha256": sha256,
            "format": kind,
            "mapping": columns,
            "measures": parsed.measure_count,
            "content": content_digest(roadmap),
        },
    )
    return ImportOutcome(roadmap=roadmap, created=created, sections=len(parsed.sections), measures=parsed.measure_count)


def roadmap_import_xlsx(
    *, data: bytes, by, roadmap: Roadmap | None = None, owner: Organization | None = None
) -> ImportOutcome:
    return roadmap_import(data=data, kind="xlsx", by=by, roadmap=roadmap, owner=owner)


def roadmap_import_docx(
    *, data: bytes, by, roadmap: Roadmap | None = None, owner: Organization | None = None, mapping=None
) -> ImportOutcome:
    return roadmap_import(data=data, kind="docx", by=by, roadmap=roadmap, owner=owner, mapping=mapping)


def roadmap_import_check(*, data: bytes, by, owner: Organization) -> ParsedRoadmap:
    """The dry run of a workbook: check it and say what it holds, writing nothing."""
    enforce(access_for(by).can_edit_municipality(owner.municipality_id), EDIT_REFUSED)
    return parse_roadmap_workbook(data, owner=owner)


def roadmap_import_check_docx(*, data: bytes, by, owner: Organization, mapping=None) -> WordImport:
    """The preview of a Word document: the sections and measures as they will be created, the
    columns as guessed (or as corrected: `mapping`), writing nothing."""
    enforce(access_for(by).can_edit_municipality(owner.municipality_id), EDIT_REFUSED)
    return parse_roadmap_docx(data, owner=owner, mapping=mapping)


# ------------------------------------------------------------------------------------------------
# Documents: one way to get each of them
# ------------------------------------------------------------------------------------------------

# Bump when a print form changes, so that files kept before are not served as the current document.
DOCUMENT_FORMAT = 1
Kind = ReportFile.Kind
DOCUMENT_KINDS = {
    Kind.ROADMAP_PDF,
    Kind.ROADMAP_XLSX,
    Kind.ORDER_PDF,
    Kind.ROADMAP_DOCX,
    Kind.ORDER_DOCX,
    Kind.EXECUTION_PDF,
    Kind.EXECUTION_XLSX,
    Kind.ZONING_PDF,
    Kind.RECOMMENDATION_PDF,
    Kind.EFFECTIVENESS_PDF,
    Kind.SPRAVKA_PDF,
    Kind.SPRAVKA_DOCX,
    Kind.SELFASSESSMENT_PDF,
    Kind.SELFASSESSMENT_DOCX,
}
SPRAVKA_KINDS = {Kind.SPRAVKA_PDF, Kind.SPRAVKA_DOCX}
SELFASSESSMENT_KINDS = {Kind.SELFASSESSMENT_PDF, Kind.SELFASSESSMENT_DOCX}
EXECUTION_KINDS = {Kind.EXECUTION_PDF, Kind.EXECUTION_XLSX}
ROADMAP_KINDS = {Kind.ROADMAP_PDF, Kind.ROADMAP_XLSX, Kind.ROADMAP_DOCX}
ORDER_KINDS = {Kind.ORDER_PDF, Kind.ORDER_DOCX}
RENDER_TASK = "reports.render_document"


def _execution_period(params: dict) -> tuple[date, date, date]:
    return tuple(date.fromisoformat(params[name]) for name in ("date_from", "date_to", "as_of"))


def document_digest(
    *, kind: str, roadmap: Roadmap | None = None, order: Order | None = None, method: ZoningMethod | None = None,
    recommendation: Recommendation | None = None, spravka=None, params=None, by=None,
):  # fmt: skip
    """A fingerprint of what the document prints now. A kept file with the same one is that document;
    any change of the roadmap, the order (its fields, status, appendices), for an execution report of
    an occurrence or its evidence, for a zoning report of the method, its zones, the indicator values
    or the names of the organisations, makes another. An execution report is cut to its author's
    sight, so the author is part of it."""
    params = params or {}
    parts: list = [DOCUMENT_FORMAT, str(kind), sorted(params.items())]
    if kind in ROADMAP_KINDS:
        parts.append(content_digest(roadmap))
    elif kind in ORDER_KINDS:
        organization = order.organization
        parts += [
            order.pk,
            str(order.status),
            order.updated_at.timestamp(),
            organization.full_name,
            organization.short_name,
        ]
        for link in order.approved.select_related("roadmap__owner").order_by("appendix_number"):
            parts.append((link.appendix_number, content_digest(link.roadmap)))
        for method in ZoningMethod.objects.filter(results_order=order):  # the zones it prints
            parts += _zoning_state(method)
    elif kind in EXECUTION_KINDS:
        occurrences = Assignment.history.filter(measure__section__roadmap=roadmap)
        evidence = Evidence.history.filter(assignment__measure__section__roadmap=roadmap)
        parts += [
            content_digest(roadmap),
            by.pk if by is not None else None,
            str(occurrences.aggregate(last=Max("history_date"))["last"]),
            str(evidence.aggregate(last=Max("history_date"))["last"]),
        ]
    elif kind == Kind.ZONING_PDF:
        parts += _zoning_state(method)
    elif kind == Kind.EFFECTIVENESS_PDF:  # the method's zones and values, and the measures targeted from it
        parts += _zoning_state(method)
        targeted = TargetedMeasure.objects.filter(zoning_method=method).values("measure_id")
        measures = Measure.history.filter(id__in=targeted).aggregate(last=Max("history_date"))
        # «после» and the direction's indicators read other years than the method's too
        values = IndicatorValue.objects.filter(municipality_id=method.municipality_id).aggregate(
            n=Count("pk"), last=Max("computed_at")
        )
        parts += [str(measures["last"]), (values["n"], str(values["last"])), str(timezone.localdate())]
    elif kind == Kind.RECOMMENDATION_PDF:
        parts += _recommendation_state(recommendation)
    elif kind in SPRAVKA_KINDS:  # its frozen contents, conclusions and approval: all move updated_at
        parts += [spravka.pk, str(spravka.status), spravka.updated_at.timestamp()]
    elif kind in SELFASSESSMENT_KINDS:  # everything it prints, as of today
        parts.append(repr(report_context(_selfassessment_matrix(params))))
    else:
        raise ValueError(f"unknown document kind {kind!r}")
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _zoning_state(method: ZoningMethod) -> list:
    zones = Zone.objects.filter(method=method).aggregate(n=Count("pk"), last=Max("computed_at"))
    values = IndicatorValue.objects.filter(municipality_id=method.municipality_id, year=method.year).aggregate(
        n=Count("pk"), last=Max("computed_at")
    )
    names = Organization.objects.filter(municipality_id=method.municipality_id).order_by("pk")
    return [
        method.pk,
        str(method.status),
        method.title,
        method.approval_order_id,
        str(method.computed_at),
        sorted(method.rules.values_list("pk", "weight", "ranges")),
        (zones["n"], str(zones["last"])),
        (values["n"], str(values["last"])),
        hashlib.sha256(repr(list(names.values_list("pk", "short_name"))).encode()).hexdigest(),
    ]


def _recommendation_state(recommendation: Recommendation) -> list:
    answers = recommendation.addressees.order_by("pk").values_list(
        "pk", "organization__short_name", "status", "comment", "decided_at", "reported_at"
    )
    return [
        recommendation.pk,
        recommendation.text,
        str(recommendation.group),
        str(recommendation.due_date),
        str(recommendation.status),
        recommendation.municipality.name,
        [tuple(map(str, answer)) for answer in answers],
        str(timezone.localdate()),  # «по состоянию на» is printed
    ]


def _document_bytes(
    *, kind: str, roadmap, order, method, recommendation, spravka, params: dict, by, progress
) -> tuple[str, bytes]:
    if kind == Kind.ROADMAP_PDF:
        return f"roadmap-{roadmap.pk}.pdf", render_roadmap_pdf(roadmap, progress=progress)
    if kind == Kind.ROADMAP_XLSX:
        data = roadmap_xlsx_bytes(roadmap)
        if progress:
            progress(1, 1)
        return f"roadmap-{roadmap.pk}.xlsx", data
    if kind == Kind.ORDER_PDF:
        return f"order-{order.pk}.pdf", render_order_pdf(order, progress=progress)
    if kind in (Kind.ROADMAP_DOCX, Kind.ORDER_DOCX):
        if progress:
            progress(0, 1)
        if kind == Kind.ROADMAP_DOCX:
            filename, data = f"roadmap-{roadmap.pk}.docx", roadmap_docx_bytes(roadmap)
        else:
            filename, data = f"order-{order.pk}.docx", order_docx_bytes(order)
        if progress:
            progress(1, 1)
        return filename, data
    if kind == Kind.ZONING_PDF:
        if progress:
            progress(0, 1)
        data = render_zoning_pdf(method, user=by)
        if progress:
            progress(1, 1)
        return f"zoning-{method.pk}.pdf", data
    if kind == Kind.EFFECTIVENESS_PDF:
        if progress:
            progress(0, 1)
        data = render_effectiveness_pdf(method, user=by)
        if progress:
            progress(1, 1)
        return f"effectiveness-{method.pk}.pdf", data
    if kind in SPRAVKA_KINDS:
        if progress:
            progress(0, 1)
        pdf = kind == Kind.SPRAVKA_PDF
        data = render_spravka_pdf(spravka) if pdf else spravka_docx_bytes(spravka)
        if progress:
            progress(1, 1)
        return f"spravka-{spravka.pk}.{'pdf' if pdf else 'docx'}", data
    if kind in SELFASSESSMENT_KINDS:
        if progress:
            progress(0, 1)
        matrix = _selfassessment_matrix(params)
        pdf = kind == Kind.SELFASSESSMENT_PDF
        data = render_selfassessment_pdf(matrix) if pdf else selfassessment_docx_bytes(matrix)
        if progress:
            progress(1, 1)
        return f"selfassessment-{params['municipality']}-{params['year']}.{'pdf' if pdf else 'docx'}", data
    if kind == Kind.RECOMMENDATION_PDF:
        if progress:
            progress(0, 1)
        data = render_recommendation_pdf(recommendation)
        if progress:
            progress(1, 1)
        return f"recommendation-{recommendation.pk}.pdf", data
    start, end, as_of = _execution_period(params)
    if progress:
        progress(0, 2)
    report = execution_report(roadmap, date_from=start, date_to=end, as_of=as_of, user=by)
    if progress:
        progress(1, 2)
    extension = "xlsx" if kind == Kind.EXECUTION_XLSX else "pdf"
    data = execution_xlsx_bytes(report) if extension == "xlsx" else render_execution_pdf(report)
    if progress:
        progress(2, 2)
    return f"execution-{roadmap.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}", data


def document_render(
    *, kind: str, roadmap: Roadmap | None = None, order: Order | None = None, method: ZoningMethod | None = None,
    recommendation: Recommendation | None = None, spravka=None, params=None, by=None, progress=None,
) -> ReportFile:  # fmt: skip
    """Render the document and keep it as a file. The one renderer: the background job and the
    management commands call it."""
    params = dict(params or {})
    sources = {
        "roadmap": roadmap, "order": order, "method": method, "recommendation": recommendation, "spravka": spravka,
    }  # fmt: skip
    digest = document_digest(kind=kind, **sources, params=params, by=by)
    filename, data = _document_bytes(kind=kind, **sources, params=params, by=by, progress=progress)
    return report_file_save(
        kind=kind,
        filename=filename,
        content=data,
        roadmap=roadmap,
        order=order,
        method=method,
        recommendation=recommendation,
        spravka=spravka,
        municipality=Municipality.objects.get(pk=params["municipality"]) if kind in SELFASSESSMENT_KINDS else None,
        by=by,
        params={**params, "digest": digest},
    )


def _selfassessment_matrix(params: dict):
    """The matrix a self-assessment document prints: `params` name the municipality and the year."""
    return matrix_compute(Municipality.objects.get(pk=params["municipality"]), int(params["year"]))


def _document_title(kind: str, roadmap, order, method, recommendation, spravka, params: dict) -> str:
    if kind in SELFASSESSMENT_KINDS:
        label = "Word" if kind == Kind.SELFASSESSMENT_DOCX else "PDF"
        year = academic_year_label(int(params["year"]))
        return f"{label} самооценки механизмов управления качеством за {year} учебный год"
    if kind in SPRAVKA_KINDS:
        return f"{'Word' if kind == Kind.SPRAVKA_DOCX else 'PDF'} справки «{spravka.title}»"
    if kind == Kind.EFFECTIVENESS_PDF:
        return f"Анализ эффективности мер по методике «{method}»"
    if kind == Kind.RECOMMENDATION_PDF:
        return f"Адресная рекомендация от {recommendation.created_at:%d.%m.%Y} и её исполнение"
    if kind == Kind.ZONING_PDF:
        return f"Отчёт о зонировании «{method}»"
    if kind in ORDER_KINDS:
        return f"{'Word' if kind == Kind.ORDER_DOCX else 'PDF'} приказа {order}"
    if kind in EXECUTION_KINDS:
        start, end, _ = _execution_period(params)
        return f"Отчёт об исполнении «{roadmap}» ({start:%d.%m.%Y}–{end:%d.%m.%Y})"
    label = {Kind.ROADMAP_XLSX: "Excel", Kind.ROADMAP_DOCX: "Word"}.get(kind, "PDF")
    return f"{label} дорожной карты «{roadmap}»"


def document_request(
    *, kind: str, by, roadmap: Roadmap | None = None, order: Order | None = None, method: ZoningMethod | None = None,
    recommendation: Recommendation | None = None, spravka=None, params=None,
) -> ReportFile | Job:  # fmt: skip
    """The one way to get a document: the kept file when it still is the document (nothing it prints
    has changed since), else the person's job already rendering it, else a new job. The caller has
    checked that the person may read the roadmap, the order or the zoning method."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    params = dict(params or {})
    digest = document_digest(
        kind=kind, roadmap=roadmap, order=order, method=method, recommendation=recommendation, spravka=spravka,
        params=params, by=by,
    )  # fmt: skip
    kept = ReportFile.objects.filter(
        kind=kind, roadmap=roadmap, order=order, zoning_method=method, recommendation=recommendation,
        spravka=spravka, params__digest=digest,
    )  # fmt: skip
    if kind in EXECUTION_KINDS:
        kept = kept.filter(created_by=by)
    kept = kept.order_by("-created_at", "-pk").first()
    if kept is not None:
        return kept
    pending = Job.objects.filter(
        kind=f"report.{kind}",
        created_by=by,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        task_kwargs__digest=digest,
    ).first()
    if pending is not None:
        return pending
    return job_enqueue(
        kind=f"report.{kind}",
        title=_document_title(kind, roadmap, order, method, recommendation, spravka, params),
        task_name=RENDER_TASK,
        task_kwargs={
            "kind": kind,
            "roadmap_id": roadmap.pk if roadmap else None,
            "order_id": order.pk if order else None,
            "method_id": method.pk if method else None,
            "recommendation_id": recommendation.pk if recommendation else None,
            "spravka_id": spravka.pk if spravka else None,
            "user_id": by.pk,
            "params": params,
            "digest": digest,
        },
        user=by,
        total=2,
    )


# ------------------------------------------------------------------------------------------------
# The order on the results of monitoring and zoning (приказ об итогах мониторинга)
# ------------------------------------------------------------------------------------------------


def _organisations(count: int, *, nominative: bool = False) -> str:
    first = "организация" if nominative else "организацию"
    return f"{count} {plural(count, first, 'организации', 'организаций')}"


def zoning_order_items(results: ZoningResults) -> list[str]:
    """The items of the order, each a sentence stating what the zones and the records say."""
    method, previous = results.method, results.previous_method
    years = f"{method.year - 1}/{method.year}"
    items = [
        f"Утвердить итоги мониторинга и зонирования образовательных организаций за {years} учебный год "
        f"по методике «{method.title}» (приложение 1 к настоящему приказу)."
    ]
    zones = (
        f"Отнести к красной зоне {_organisations(results.count(Colour.RED))}, "
        f"к жёлтой зоне — {results.count(Colour.YELLOW)}, к зелёной зоне — {results.count(Colour.GREEN)}"
    )
    if results.count(Colour.NO_DATA):
        zones += f"; данных недостаточно для отнесения к зоне у {results.count(Colour.NO_DATA)}"
    if previous is not None:
        zones += (
            f" (в {previous.year - 1}/{previous.year} учебном году: красная зона — "
            f"{results.count(Colour.RED, previous=True)}, жёлтая — {results.count(Colour.YELLOW, previous=True)}, "
            f"зелёная — {results.count(Colour.GREEN, previous=True)})"
        )
    items.append(full_stop(zones))
    if previous is not None:
        items.append(
            f"Отметить изменение положения организаций по сравнению с {previous.year - 1}/{previous.year} учебным "
            f"годом: улучшили положение — {results.moved('улучшение')}, ухудшили — {results.moved('ухудшение')}, "
            f"без изменений — {results.moved('без изменений')}."
        )
        if results.red_last_year:
            left, red = results.left_red, results.red_last_year
            verdict = "эффективными" if left / red >= EFFECTIVE_SHARE else "требующими корректировки"
            items.append(
                f"Признать меры, принятые в отношении организаций красной зоны {previous.year - 1}/{previous.year} "
                f"учебного года, {verdict}: из {red} таких организаций вышли из красной зоны {left}."
            )
    for recommendation in results.recommendations:
        addressees = recommendation.get_group_display()
        due = (
            f" Отчёт об исполнении представить до {recommendation.due_date:%d.%m.%Y}."
            if recommendation.due_date
            else ""
        )
        items.append(
            f"{addressees[:1].upper()}{addressees[1:]}: {full_stop(' '.join(recommendation.text.split()))}{due}"
        )
    if results.measures:
        lines = [
            f"- {' '.join(targeted.measure.description.split()).rstrip('.')} "
            f"({_organisations(targeted.organizations.count(), nominative=True)})"
            for targeted in results.measures
        ]
        items.append(
            "\n".join(["Обеспечить выполнение адресных мероприятий для организаций по итогам зонирования:", *lines])
        )
    return items


@transaction.atomic
def zoning_order_draft(*, method: ZoningMethod, by) -> Order:
    """Draft the order on an approved method's zones, or redraft it from today's zones while it is
    unsigned: the authority's order, its items from `zoning_order_items`, its head as signatory and
    controller. The zones print as the order's appendix 1."""
    enforce(access_for(by).can_manage_monitoring(method.municipality_id), EDIT_REFUSED)
    if method.status != ZoningMethod.Status.APPROVED or not method.computed_at:
        raise RoadmapStateError("Приказ об итогах готовится по утверждённой методике с рассчитанными зонами")
    existing = Order.objects.select_for_update().filter(pk=method.results_order_id).first()
    if existing is not None and existing.status == Order.Status.SIGNED:
        raise RoadmapStateError(f"Приказ об итогах уже подписан ({existing}): подписанный приказ не изменяется")
    authority = (
        Organization.objects.filter(municipality_id=method.municipality_id, kind=Organization.Kind.AUTHORITY)
        .order_by("pk")
        .first()
    )
    if authority is None:
        raise RoadmapStateError("В реестре нет органа управления образованием муниципалитета: приказ некому издать")
    head = [PersonInput(position=authority.head_position, name=authority.head_name)] if authority.head_name else []
    order = order_save(
        by=by,
        organization=authority,
        order=existing,
        date=existing.date if existing else timezone.localdate(),
        number=existing.number if existing else "",
        title=f"Об итогах мониторинга и зонирования образовательных организаций за {method.year - 1}/{method.year} "
        "учебный год",
        basis=(
            f"В соответствии с методикой «{method.title}»"
            + (
                f", утверждённой приказом от {method.approval_order.date:%d.%m.%Y} № {method.approval_order.number}"
                if method.approval_order_id
                else ""
            )
            + ", по результатам мониторинга показателей качества образования"
        ),  # fmt: skip
        items=zoning_order_items(zoning_results(method)),
        control=head,
        signatory_position=authority.head_position,
        signatory_name=authority.head_name,
    )
    if existing is None:
        ZoningMethod.objects.filter(pk=method.pk).update(results_order=order)
        method.results_order = order
    return order
