"""Writes of the reports app: kept files, orders, the Excel import into a draft roadmap, and
the background renders (enqueued as jobs)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from config.jobs.models import Job
from config.jobs.services import job_enqueue
from config.lib.fragments import EXECUTION, ROADMAPS, writes
from reports.models import ReportFile
from roadmaps.document import roadmap_document
from roadmaps.models import Order, OrderItem, OrderPerson, OrderRoadmap, Roadmap
from roadmaps.xlsx import ParsedRoadmap, parse_roadmap_workbook, write_parsed_roadmap
from schools.access import access_for
from schools.models import Organization


class RoadmapStateError(Exception):
    """The roadmap is not in a state that allows the change (a Russian message)."""


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@transaction.atomic
def report_file_save(
    *, kind: str, filename: str, content: bytes, by=None, roadmap=None, order=None, params=None
) -> ReportFile:
    pages = pdf_page_count(content) if filename.endswith(".pdf") else 0
    report = ReportFile(
        kind=kind,
        roadmap=roadmap,
        order=order,
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


def _check_can_edit(user, organization: Organization) -> None:
    if not access_for(user).can_edit_municipality(organization.municipality_id):
        raise PermissionDenied("Изменять может только методист или руководитель органа управления образованием")


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


def _same_file_already_imported(sha256: str, *, owner: Organization, roadmap: Roadmap | None) -> Roadmap | None:
    """The draft this very file was imported into, if the draft still holds what the file put there
    (edited since — in the editor or by another import — it is not the same any more)."""
    drafts = Roadmap.objects.filter(owner=owner, status=Roadmap.Status.DRAFT)
    if roadmap is not None:
        drafts = drafts.filter(pk=roadmap.pk)
    sources = ReportFile.objects.filter(kind=ReportFile.Kind.ROADMAP_IMPORT, roadmap__in=drafts, params__sha256=sha256)
    for source in sources.select_related("roadmap"):
        if source.params.get("content") == content_digest(source.roadmap):
            return source.roadmap
    return None


@writes(ROADMAPS, EXECUTION)
def roadmap_import_xlsx(
    *, data: bytes, by, roadmap: Roadmap | None = None, owner: Organization | None = None
) -> ImportOutcome:
    """Import the workbook into `roadmap` (must be a draft: its contents are replaced) or into a new
    draft of `owner`. Raises RoadmapImportError (every problem listed) and writes nothing then."""
    if roadmap is not None:
        owner = roadmap.owner
        roadmap = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
        if roadmap.status != Roadmap.Status.DRAFT:
            raise RoadmapStateError("Загрузить из Excel можно только в черновик дорожной карты")
    if owner is None:
        raise ValueError("owner or roadmap is required")
    _check_can_edit(by, owner)
    parsed = parse_roadmap_workbook(data, owner=owner)
    sha256 = hashlib.sha256(data).hexdigest()
    same = _same_file_already_imported(sha256, owner=owner, roadmap=roadmap)
    if same is not None:  # the same file twice changes nothing
        return ImportOutcome(
            roadmap=same, created=False, sections=len(parsed.sections), measures=parsed.measure_count, unchanged=True
        )
    created = roadmap is None
    if created:
        roadmap = Roadmap(owner=owner, status=Roadmap.Status.DRAFT, created_by=by)
    write_parsed_roadmap(parsed, roadmap=roadmap, by=by)
    # the original workbook is kept with the import, as every import of the product does
    report_file_save(
        kind=ReportFile.Kind.ROADMAP_IMPORT,
        filename=f"import-roadmap-{roadmap.pk}.xlsx",
        content=data,
        roadmap=roadmap,
        by=by,
        params={"sha256": sha256, "measures": parsed.measure_count, "content": content_digest(roadmap)},
    )
    return ImportOutcome(roadmap=roadmap, created=created, sections=len(parsed.sections), measures=parsed.measure_count)


def roadmap_import_check(*, data: bytes, by, owner: Organization) -> ParsedRoadmap:
    """The dry run: check the workbook and say what it holds, writing nothing."""
    _check_can_edit(by, owner)
    return parse_roadmap_workbook(data, owner=owner)


@dataclass
class PersonInput:
    position: str
    name: str
    duty: str = ""
    gender: str = ""


def _check_roadmaps(organization: Organization, roadmaps: list[Roadmap]) -> None:
    for roadmap in roadmaps:
        if roadmap.owner.municipality_id != organization.municipality_id:
            raise PermissionDenied("Приказ может утверждать только дорожные карты своего муниципалитета")


@transaction.atomic
def order_save(
    *,
    by,
    organization: Organization,
    date: date,
    title: str,
    number: str = "",
    basis: str = "",
    place_phrase: str = "",
    signatory_position: str = "",
    signatory_name: str = "",
    roadmaps: list[Roadmap] = (),
    items: list[str] = (),
    responsible: list[PersonInput] = (),
    control: list[PersonInput] = (),
    control_text: str = "",
    header: str = "",
    order: Order | None = None,
) -> Order:
    """Create or replace an order (приказ): its fields, the roadmaps it approves (appendices
    numbered in the given order), free items and the persons named in it."""
    _check_can_edit(by, organization)
    _check_roadmaps(organization, list(roadmaps))
    if order is None:
        order = Order(created_by=by)
    elif order.status == Order.Status.SIGNED:
        raise RoadmapStateError("Подписанный приказ не изменяется")
    order.organization = organization
    order.header = header.strip()
    order.date, order.title, order.number, order.basis = date, title.strip(), number.strip(), basis.strip()
    order.place_phrase = place_phrase.strip()
    order.signatory_position, order.signatory_name = signatory_position.strip(), signatory_name.strip()
    if control_text.strip():
        order.control_text = control_text.strip()
    order.save()
    order.approved.all().delete()
    OrderRoadmap.objects.bulk_create(
        OrderRoadmap(order=order, roadmap=roadmap, appendix_number=index)
        for index, roadmap in enumerate(roadmaps, start=1)
    )
    order.items.all().delete()
    OrderItem.objects.bulk_create(
        OrderItem(order=order, position=index, text=text.strip()) for index, text in enumerate(items) if text.strip()
    )
    order.persons.all().delete()
    persons = [(OrderPerson.Role.RESPONSIBLE, p) for p in responsible] + [
        (OrderPerson.Role.CONTROL, p) for p in control
    ]
    OrderPerson.objects.bulk_create(
        OrderPerson(
            order=order,
            role=role,
            position=p.position.strip(),
            name=p.name.strip(),
            duty=p.duty.strip(),
            gender=p.gender,
            order_index=index,
        )
        for index, (role, p) in enumerate(persons)
    )
    return order


@transaction.atomic
def order_sign(*, order: Order, by) -> Order:
    _check_can_edit(by, order.organization)
    if not order.number:
        raise RoadmapStateError("Укажите номер приказа перед отметкой о подписании")
    order.status = Order.Status.SIGNED
    order.save(update_fields=["status", "updated_at"])
    return order


def roadmap_pdf_enqueue(*, roadmap: Roadmap, by) -> Job:
    from reports.tasks import render_roadmap_pdf_task

    return job_enqueue(
        kind="report.roadmap_pdf",
        title=f"PDF дорожной карты «{roadmap}»",
        task_name=render_roadmap_pdf_task.name,
        task_kwargs={"roadmap_id": roadmap.pk, "user_id": by.pk},
        user=by,
        total=2,
    )


def order_pdf_enqueue(*, order: Order, by) -> Job:
    from reports.tasks import render_order_pdf_task

    return job_enqueue(
        kind="report.order_pdf",
        title=f"PDF приказа {order}",
        task_name=render_order_pdf_task.name,
        task_kwargs={"order_id": order.pk, "user_id": by.pk},
        user=by,
        total=order.approved.count() + 1,
    )


def execution_report_enqueue(*, roadmap: Roadmap, by, date_from: date, date_to: date, as_of: date, format: str) -> Job:
    from reports.tasks import render_execution_report_task

    return job_enqueue(
        kind="report.execution",
        title=f"Отчёт об исполнении «{roadmap}» ({date_from:%d.%m.%Y}–{date_to:%d.%m.%Y})",
        task_name=render_execution_report_task.name,
        task_kwargs={
            "roadmap_id": roadmap.pk,
            "user_id": by.pk,
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "as_of": as_of.isoformat(),
            "format": format,
        },
        user=by,
        total=2,
    )
