"""Small builders for execution tests: an approved roadmap, its measures and occurrences, made with
the ORM (the roadmap editor and `measure_assign` belong to another part of the product)."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reports.testing import create_roadmap
from roadmaps.execution.demo import tiny_pdf
from roadmaps.models import Assignment, Direction, EvidenceKind, Measure, Roadmap, Section


def make_roadmap(owner, *, status=Roadmap.Status.APPROVED, title="Дорожная карта по объективности ВПР") -> Roadmap:
    return create_roadmap(
        owner=owner,
        title=title,
        code="1.1",
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2027, 8, 31),
        status=status,
    )


def make_section(roadmap, *, direction_code="1.1", order=1) -> Section:
    return Section.objects.create(roadmap=roadmap, direction=Direction.objects.get(code=direction_code), order=order)


def make_measure(section, *, number="1", description="Проведение педагогического совета по итогам ВПР",
                 evidence=("protocol", "order"), actions=("Подготовить анализ", "Провести педсовет"), order=0) -> Measure:  # fmt: skip
    measure = Measure.objects.create(
        section=section, number=number, description=description, actions=list(actions), order=order
    )
    measure.evidence_kinds.set(EvidenceKind.objects.filter(code__in=evidence))
    return measure


def make_assignment(measure, organization, *, due=None, status=Assignment.Status.PLANNED, occurrence=1) -> Assignment:
    if due is None:
        due = timezone.localdate() + datetime.timedelta(days=30)
    elif isinstance(due, int):
        due = timezone.localdate() + datetime.timedelta(days=due)
    return Assignment.objects.create(
        measure=measure, organization=organization, due_date=due, status=status, occurrence=occurrence
    )


def make_plan(authority, *organizations, due=30):
    """An approved roadmap with one section and one measure assigned to each organisation."""
    roadmap = make_roadmap(authority)
    section = make_section(roadmap)
    measure = make_measure(section)
    return roadmap, measure, [make_assignment(measure, org, due=due) for org in organizations]


def pdf_upload(name="протокол педсовета.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(["Protokol"]), content_type="application/pdf")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def kind(code="protocol") -> EvidenceKind:
    return EvidenceKind.objects.get(code=code)
