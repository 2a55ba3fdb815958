"""Demo execution: the approved roadmaps of the demo municipality partly executed — a realistic mix
of accepted, submitted and returned occurrences with small generated PDF evidence (the untouched
past ones are overdue by the calendar).

Idempotent: an occurrence is touched only while it has no evidence and no history, and what
happens to it depends only on its position, so a second run changes nothing."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from roadmaps.attainment import is_percentage
from roadmaps.execution.services import takes_achieved_value
from roadmaps.models import Assignment, Evidence, EvidenceKind, ReviewDecision, Roadmap
from roadmaps.table import measure_number
from schools.models import Membership

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _latin(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        if lower in TRANSLIT:
            latin = TRANSLIT[lower]
            out.append(latin.capitalize() if char != lower else latin)
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append("-" if char in "«»—–" else "")
    return "".join(out)


def tiny_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (Helvetica; text transliterated to Latin) with a correct xref."""

    def escape(text: str) -> str:
        return _latin(text).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")[:110]

    stream = "BT /F1 11 Tf 50 790 Td 14 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


# For occurrences already due: position modulo 10 → what happened.
PAST_PLAN = [
    "accepted",
    "accepted",
    "accepted",
    "submitted",
    "returned",
    "accepted",
    "overdue",
    "submitted",
    "overdue",
    "accepted",
]
# For occurrences still ahead: most are planned, some are being worked on or handed in early.
FUTURE_PLAN = ["planned", "in_progress", "planned", "submitted", "returned", "planned", "accepted", "planned"]

RETURN_COMMENTS = [
    "В протоколе нет подписи председателя и списка присутствующих — приложите подписанный скан.",
    "Приказ не соответствует мероприятию: нужен приказ об утверждении плана, а приложен приказ о каникулах.",
    "Ссылка на публикацию не открывается — проверьте адрес на сайте школы.",
]


def _people(assignment: Assignment):
    users = get_user_model().objects
    worker = users.filter(
        memberships__organization=assignment.organization,
        memberships__role__in=[Membership.Role.DIRECTOR, Membership.Role.METHODIST],
    ).first()
    reviewer = (
        users.filter(
            memberships__organization__municipality_id=assignment.organization.municipality_id,
            memberships__role=Membership.Role.METHODIST,
        )
        .exclude(pk=getattr(worker, "pk", None))
        .first()
    )
    if reviewer is None:
        reviewer = users.filter(
            memberships__organization__municipality_id=assignment.organization.municipality_id,
            memberships__role=Membership.Role.OFFICIAL,
        ).first()
    return worker, reviewer


def _evidence(assignment: Assignment, kind: EvidenceKind, worker, number: int) -> Evidence:
    when = assignment.due_date or timezone.localdate()
    day = when - datetime.timedelta(days=3)
    title = f"{kind.title.split(' (')[0]} по мероприятию {measure_number(assignment.measure)}".strip()
    pdf = tiny_pdf(
        [
            assignment.organization.short_name,
            f"{kind.title} No {number} ot {day:%d.%m.%Y}",
            assignment.measure.description[:100],
            "Demonstratsionnyy dokument MUKO",
        ]
    )
    evidence = Evidence(
        assignment=assignment,
        kind=kind,
        title=title,
        number=str(number),
        date=day,
        original_name=f"{_latin(kind.title.split(' ')[0]).lower()}_{number}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=worker,
    )
    evidence.file.save(f"demo-{assignment.pk}-{number}.pdf", ContentFile(pdf), save=False)
    evidence.save()
    return evidence


def _demo_achieved(assignment: Assignment) -> Decimal | None:
    """What a school reports against a numeric target it enters itself: a share above it (the
    measure «достигнуто»), a count one short of it (the schools held one event of the two a year:
    «не достигнуто»), so that the demo shows both verdicts."""
    measure = assignment.measure
    if not takes_achieved_value(measure) or measure.target_indicator_code or measure.target_value is None:
        return None
    if is_percentage(measure.target_unit):
        return measure.target_value + 4 + assignment.pk % 20
    return max(measure.target_value - 1, Decimal(0))


@transaction.atomic
def load_demo_execution() -> dict[str, int]:
    counts = {"accepted": 0, "submitted": 0, "returned": 0, "in_progress": 0, "evidence": 0}
    roadmaps = Roadmap.objects.filter(status=Roadmap.Status.APPROVED)
    if not roadmaps.exists():
        return counts
    today = timezone.localdate()
    fallback = list(EvidenceKind.objects.filter(code__in=["protocol", "order", "analytic_report"]))
    assignments = list(
        Assignment.objects.filter(measure__section__roadmap__in=roadmaps)
        .select_related("measure__section__roadmap", "organization")
        .prefetch_related("measure__evidence_kinds")
        .order_by("due_date", "measure_id", "organization_id", "occurrence", "pk")
    )
    touched = set(
        Assignment.objects.filter(pk__in=[a.pk for a in assignments])
        .filter(evidence__isnull=False)
        .values_list("pk", flat=True)
    ) | set(ReviewDecision.objects.filter(assignment__in=assignments).values_list("assignment_id", flat=True))
    past_index = future_index = 0
    for assignment in assignments:
        is_past = assignment.due_date is not None and assignment.due_date < today
        if is_past:
            plan = PAST_PLAN[past_index % len(PAST_PLAN)]
            past_index += 1
        else:
            plan = FUTURE_PLAN[future_index % len(FUTURE_PLAN)]
            future_index += 1
        if assignment.pk in touched or plan in ("planned", "overdue") or assignment.status != Assignment.Status.PLANNED:
            continue
        worker, reviewer = _people(assignment)
        kinds = list(assignment.measure.evidence_kinds.all())[:2] or fallback[:1]
        for number, kind in enumerate(kinds, start=1):
            _evidence(assignment, kind, worker, 10 + assignment.pk % 90 + number)
            counts["evidence"] += 1
        actions = assignment.measure.actions or []
        assignment.actions_done = list(range(len(actions))) if plan != "in_progress" else list(range(len(actions) // 2))
        assignment.achieved_value = _demo_achieved(assignment)
        if plan == "in_progress":
            assignment.status = Assignment.Status.IN_PROGRESS
            assignment.save()
            counts["in_progress"] += 1
            continue
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = timezone.now()
        assignment.submitted_by = worker
        assignment.save()
        ReviewDecision.objects.create(
            assignment=assignment, decision=ReviewDecision.Decision.SUBMITTED, decided_by=worker
        )
        if plan == "accepted":
            assignment.status = Assignment.Status.ACCEPTED
            assignment.accepted_at = timezone.now()
            assignment.save()
            ReviewDecision.objects.create(
                assignment=assignment, decision=ReviewDecision.Decision.ACCEPTED, decided_by=reviewer
            )
        elif plan == "returned":
            assignment.status = Assignment.Status.RETURNED
            assignment.save()
            comment = RETURN_COMMENTS[assignment.pk % len(RETURN_COMMENTS)]
            ReviewDecision.objects.create(
                assignment=assignment, decision=ReviewDecision.Decision.RETURNED, comment=comment, decided_by=reviewer
            )
        counts[plan] += 1
    # Occurrences left untouched past their due dates are overdue by the calendar alone
    # (execution.state): nothing is stored for them.
    return counts
