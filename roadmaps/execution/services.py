"""Writes of execution: evidence, submission, review and notifications.

Every function checks who acts (PermissionDenied: the view answers 403) and in which state the
occurrence is (ExecutionError: a Russian message for the person), and is atomic."""

import datetime
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from config.audit.services import audit_record
from config.lib.fragments import EXECUTION, writes
from roadmaps.attainment import is_percentage
from roadmaps.execution.state import State, counted, with_state
from roadmaps.models import Assignment, Evidence, EvidenceKind, Measure, Notification, ReviewDecision, Roadmap
from roadmaps.notifications.services import digest_send, notification_create
from roadmaps.table import measure_number
from roadmaps.uploads import validate_upload
from schools.access import AUTHORITY_KINDS, access_for, enforce
from schools.models import Membership, Organization


class ExecutionError(Exception):
    """The action does not fit the occurrence's state; the message is for the person."""


# --- who may do what ------------------------------------------------------------------------


WORK_REFUSED = "Документы по этому мероприятию вносит руководитель организации-исполнителя"
REVIEW_REFUSED = "Проверяют исполнение методисты управления образования, но не сама организация"


def _require_open(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.ACCEPTED:
        raise ExecutionError(
            "Исполнение принято: изменить документы можно только после того, как методист откроет его повторно"
        )
    if assignment.status == Assignment.Status.SUBMITTED:
        raise ExecutionError("Исполнение на проверке у методиста: дождитесь решения, чтобы изменить документы")
    if assignment.measure.section.roadmap.status != Roadmap.Status.APPROVED:
        raise ExecutionError("Дорожная карта не утверждена (или в архиве): исполнение по ней не ведётся")


def _locked(assignment: Assignment) -> Assignment:
    """Re-read the occurrence under a row lock, so that two clicks cannot both change its state."""
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("measure__section__roadmap", "organization")
        .get(pk=assignment.pk)
    )


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceData:
    kind: EvidenceKind
    title: str
    number: str = ""
    date: datetime.date | None = None
    link: str = ""


@writes(EXECUTION)
def evidence_add(*, assignment: Assignment, by, data: EvidenceData, upload=None) -> Evidence:
    """Add one evidence document (a file and/or a link). The file is checked by its content before
    anything is written; a refused file leaves nothing in MEDIA_ROOT."""
    enforce(access_for(by).can_work_on(assignment), WORK_REFUSED)
    assignment = _locked(assignment)
    _require_open(assignment)
    if not data.title.strip():
        raise ValidationError("Укажите наименование документа")
    if upload is None and not data.link:
        raise ValidationError("Приложите файл или укажите ссылку на документ")
    info = validate_upload(upload) if upload is not None else None
    evidence = Evidence(
        assignment=assignment,
        kind=data.kind,
        title=data.title.strip(),
        number=data.number.strip(),
        date=data.date,
        link=data.link,
        uploaded_by=by,
    )
    if info is not None:
        evidence.original_name = info.original_name
        evidence.content_type = info.content_type
        evidence.size = info.size
        upload.seek(0)
        evidence.file.save(info.storage_name(), upload, save=False)
    try:
        evidence.full_clean(exclude=["file", "uploaded_by", "assignment", "kind"])
        evidence.save()
    except Exception:
        # A row that cannot be saved must not leave its file behind in MEDIA_ROOT.
        if evidence.file.name:
            default_storage.delete(evidence.file.name)
        raise
    if assignment.status == Assignment.Status.PLANNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.save(update_fields=["status"])
    return evidence


@writes(EXECUTION)
def evidence_delete(*, evidence: Evidence, by) -> None:
    assignment = evidence.assignment
    enforce(access_for(by).can_work_on(assignment), WORK_REFUSED)
    assignment = _locked(assignment)
    _require_open(assignment)
    name = evidence.file.name
    evidence.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@writes(EXECUTION)
def assignment_toggle_action(*, assignment: Assignment, by, index: int) -> Assignment:
    """Tick or untick one of the measure's expected actions («перечень действий»)."""
    enforce(access_for(by).can_work_on(assignment), WORK_REFUSED)
    assignment = _locked(assignment)
    _require_open(assignment)
    actions = assignment.measure.actions or []
    if not 0 <= index < len(actions):
        raise ExecutionError(f"У мероприятия нет действия № {index + 1}")
    done = set(assignment.actions_done or [])
    done ^= {index}
    assignment.actions_done = sorted(done)
    assignment.save(update_fields=["actions_done"])
    return assignment


# --- the achieved value ---------------------------------------------------------------------


#: The column's bounds (max_digits 12, decimal_places 3): nine digits before the comma.
ACHIEVED_LIMIT = Decimal("999999999.999")


def takes_achieved_value(measure) -> bool:
    """A measure whose target is a number to compare («не менее 5 %», «не менее 2 мероприятий»):
    the organisation states what it achieved. «Наличие» is the accepted evidence itself."""
    return measure.target_comparator in (
        Measure.Comparator.AT_LEAST,
        Measure.Comparator.AT_MOST,
        Measure.Comparator.EQUAL,
    )


def needs_achieved_value(measure) -> bool:
    """A share that nothing counts for the organisation: no monitoring indicator gives it, and
    accepted occurrences are no percentage. Submitting without it would leave «нет данных»."""
    return takes_achieved_value(measure) and not measure.target_indicator_code and is_percentage(measure.target_unit)


@writes(EXECUTION)
def assignment_set_achieved(*, assignment: Assignment, by, value: Decimal | None) -> Assignment:
    """Record what the organisation achieved against the measure's target (None clears it), while
    the occurrence is open, as evidence is added; the change is kept in the occurrence's history."""
    enforce(access_for(by).can_work_on(assignment), WORK_REFUSED)
    assignment = _locked(assignment)
    _require_open(assignment)
    measure = assignment.measure
    if not takes_achieved_value(measure):
        raise ExecutionError("У мероприятия нет количественного показателя: достигнутое значение не вносится")
    if value is not None:
        if value < 0:
            raise ValidationError({"achieved_value": "Достигнутое значение не может быть меньше нуля"})
        if is_percentage(measure.target_unit) and value > 100:
            raise ValidationError({"achieved_value": "Доля в процентах не может быть больше 100"})
        if value > ACHIEVED_LIMIT:
            raise ValidationError({"achieved_value": "Слишком большое число: не больше 999 999 999,999"})
    assignment.achieved_value = value
    assignment.save(update_fields=["achieved_value"])
    return assignment


# --- submission and review ------------------------------------------------------------------


@writes(EXECUTION)
def assignment_submit(*, assignment: Assignment, by) -> Assignment:
    enforce(access_for(by).can_work_on(assignment), WORK_REFUSED)
    assignment = _locked(assignment)
    _require_open(assignment)
    if not assignment.evidence.exists():
        raise ExecutionError("Добавьте хотя бы один подтверждающий документ, затем отправляйте на проверку")
    if assignment.achieved_value is None and needs_achieved_value(assignment.measure):
        raise ExecutionError(
            "Укажите достигнутое значение показателя (в разделе «Достигнутое значение»), затем отправляйте на проверку"
        )
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.submitted_by = by
    assignment.save(update_fields=["status", "submitted_at", "submitted_by"])
    decision = ReviewDecision.objects.create(
        assignment=assignment, decision=ReviewDecision.Decision.SUBMITTED, decided_by=by
    )
    audit_record(
        action="evidence_decision",
        user=by,
        obj=assignment,
        detail={"decision": decision.decision, "comment": decision.comment},
    )
    for reviewer in reviewers_of(assignment.organization):
        notification_create(
            recipient=reviewer,
            kind=Notification.Kind.SUBMITTED,
            assignment=assignment,
            text=f"{assignment.organization}: на проверку отправлено «{_measure_label(assignment)}»",
            key=f"submitted:{reviewer.pk}:{decision.pk}",
        )
    return assignment


@writes(EXECUTION)
def assignment_accept(*, assignment: Assignment, by, comment: str = "") -> Assignment:
    enforce(access_for(by).can_review(assignment), REVIEW_REFUSED)
    assignment = _locked(assignment)
    if assignment.status != Assignment.Status.SUBMITTED:
        raise ExecutionError("Принять можно только исполнение, отправленное на проверку")
    if assignment.submitted_by_id == by.pk:
        raise PermissionDenied("Нельзя принять документы, которые вы сами отправили на проверку")
    assignment.status = Assignment.Status.ACCEPTED
    assignment.accepted_at = timezone.now()
    assignment.save(update_fields=["status", "accepted_at"])
    return _decided(
        assignment, by, ReviewDecision.Decision.ACCEPTED, comment, Notification.Kind.ACCEPTED, "Принято: «{measure}»"
    )


def _decided(assignment: Assignment, by, decision: str, comment: str, kind: str, notice: str) -> Assignment:
    """Record a reviewer's decision on an occurrence whose status is already saved: the decision
    with its comment, the audit record, and the notice to those who work on it (``notice`` with
    «{measure}» for the measure and «{comment}» for the comment)."""
    comment = comment.strip()
    recorded = ReviewDecision.objects.create(assignment=assignment, decision=decision, comment=comment, decided_by=by)
    audit_record(action="evidence_decision", user=by, obj=assignment, detail={"decision": decision, "comment": comment})
    text = notice.format(measure=_measure_label(assignment), comment=comment)
    _notify_workers(assignment, kind, text, recorded.pk)
    return assignment


@writes(EXECUTION)
def assignment_return(*, assignment: Assignment, by, comment: str) -> Assignment:
    enforce(access_for(by).can_review(assignment), REVIEW_REFUSED)
    if not comment or not comment.strip():
        raise ValidationError("Напишите замечание: руководитель увидит его и исправит документы")
    assignment = _locked(assignment)
    if assignment.status != Assignment.Status.SUBMITTED:
        raise ExecutionError("Вернуть на доработку можно только исполнение, отправленное на проверку")
    assignment.status = Assignment.Status.RETURNED
    assignment.save(update_fields=["status"])
    return _decided(
        assignment,
        by,
        ReviewDecision.Decision.RETURNED,
        comment,
        Notification.Kind.RETURNED,
        "Возвращено на доработку: «{measure}». Замечание: {comment}",
    )


@writes(EXECUTION)
def assignment_reopen(*, assignment: Assignment, by, comment: str) -> Assignment:
    """The only way to change an accepted occurrence: the methodist reopens it with a reason."""
    enforce(access_for(by).can_review(assignment), REVIEW_REFUSED)
    if not comment or not comment.strip():
        raise ValidationError("Укажите, почему исполнение открывается повторно")
    assignment = _locked(assignment)
    if assignment.status != Assignment.Status.ACCEPTED:
        raise ExecutionError("Открыть повторно можно только принятое исполнение")
    assignment.status = Assignment.Status.RETURNED
    assignment.accepted_at = None
    assignment.save(update_fields=["status", "accepted_at"])
    return _decided(
        assignment,
        by,
        ReviewDecision.Decision.REOPENED,
        comment,
        Notification.Kind.RETURNED,
        "Открыто повторно: «{measure}». Причина: {comment}",
    )


# --- notifications --------------------------------------------------------------------------


def _measure_label(assignment: Assignment) -> str:
    measure = assignment.measure
    text = " ".join(measure.description.split())
    text = text if len(text) <= 120 else text[:117] + "…"
    return f"{measure_number(measure)} {text}".strip()


def workers_of(organization: Organization):
    """Who reports on an organisation's occurrences: its directors, or the authority's methodists."""
    roles = [Membership.Role.DIRECTOR]
    if organization.kind in AUTHORITY_KINDS:
        roles += [Membership.Role.METHODIST]
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization, memberships__role__in=roles, is_active=True)
        .distinct()
    )


def reviewers_of(organization: Organization):
    return (
        get_user_model()
        .objects.filter(
            memberships__organization__municipality_id=organization.municipality_id,
            memberships__role=Membership.Role.METHODIST,
            is_active=True,
        )
        .distinct()
    )


def _notify_workers(assignment: Assignment, kind: str, text: str, event_id) -> None:
    for user in workers_of(assignment.organization):
        notification_create(
            recipient=user, kind=kind, assignment=assignment, text=text, key=f"{kind}:{user.pk}:{event_id}"
        )


@transaction.atomic
def notifications_mark_read(*, user, pks: list[int] | None = None) -> int:
    rows = Notification.objects.for_user(user).unread()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=timezone.now())


def _announced_before(assignments: list[Assignment]) -> set[int]:
    """The occurrences of an amendment that the version it amends already had (the same measure,
    by its key, organisation and occurrence number): their people were told when that version was
    approved, and a new version of the plan is not a new assignment."""
    amended = {a.measure.section.roadmap.amends_id for a in assignments} - {None}
    if not amended:
        return set()
    known = set(
        Assignment.objects.filter(measure__section__roadmap_id__in=amended).values_list(
            "measure__section__roadmap_id", "measure__key", "organization_id", "occurrence"
        )
    )
    return {
        a.pk
        for a in assignments
        if (a.measure.section.roadmap.amends_id, a.measure.key, a.organization_id, a.occurrence) in known
    }


def notify_assigned(*, assignments: list[Assignment]) -> int:
    """Tell each organisation's people about new occurrences: when a measure is assigned in an
    approved roadmap, when a roadmap is approved (its occurrences start), and, catching up, by the
    daily reminders. Occurrences of roadmaps not approved are left for their approval (a draft may
    still change); one notification per person and occurrence, ever."""
    assignments = [a for a in assignments if a.measure.section.roadmap.status == Roadmap.Status.APPROVED]
    skipped = _announced_before(assignments)
    workers: dict[int, list] = {}  # a roadmap's approval announces many occurrences per organisation
    created = 0
    for assignment in assignments:
        if assignment.pk in skipped:
            continue
        due = f", срок {assignment.due_date:%d.%m.%Y}" if assignment.due_date else ""
        text = f"Назначено мероприятие «{_measure_label(assignment)}» ({assignment.measure.section.roadmap}){due}"
        if assignment.organization_id not in workers:
            workers[assignment.organization_id] = list(workers_of(assignment.organization))
        for user in workers[assignment.organization_id]:
            key = f"assigned:{user.pk}:{assignment.pk}"
            created += bool(
                notification_create(
                    recipient=user, kind=Notification.Kind.ASSIGNED, assignment=assignment, text=text, key=key
                )
            )
    return created


@transaction.atomic
def notify_roadmap_assignments(*, roadmap: Roadmap) -> int:
    """On approval: tell each organisation of the occurrences it now executes (a task after the
    approval commits: a plan may have thousands). Atomic, so that each person's letter about them
    goes out once, after all are written."""
    rows = Assignment.objects.filter(measure__section__roadmap=roadmap, status=Assignment.Status.PLANNED)
    return notify_assigned(assignments=list(rows.select_related("measure__section__roadmap", "organization")))


def reminders_send(*, today: date | None = None) -> dict[str, int]:
    """The daily job: create assigned / due-soon / overdue notifications (each once per person,
    occurrence and due date), then mail every person one digest of what they have not been
    mailed yet. «Срок скоро» and «просрочено» are the occurrence's state (execution.state);
    nothing is stored on the occurrence. Running it twice sends nothing new."""
    today = today or timezone.localdate()
    counted_rows = with_state(counted(Assignment.objects.all()), today).select_related(
        "measure__section__roadmap", "organization"
    )
    created = 0
    with transaction.atomic():
        fresh = counted_rows.filter(status=Assignment.Status.PLANNED).exclude(state=State.OVERDUE)
        created += notify_assigned(assignments=list(fresh))
        for assignment in counted_rows.filter(state=State.DUE_SOON):
            days = (assignment.due_date - today).days
            when = "сегодня" if days == 0 else f"через {days} дн."
            text = f"Срок {when} ({assignment.due_date:%d.%m.%Y}): «{_measure_label(assignment)}»"
            for user in workers_of(assignment.organization):
                key = f"due_soon:{user.pk}:{assignment.pk}:{assignment.due_date:%Y%m%d}"
                created += bool(
                    notification_create(
                        recipient=user, kind=Notification.Kind.DUE_SOON, assignment=assignment, text=text, key=key
                    )
                )
        for assignment in counted_rows.filter(state=State.OVERDUE):
            text = (
                f"Срок прошёл {assignment.due_date:%d.%m.%Y}: «{_measure_label(assignment)}» — документы не отправлены"
            )
            for user in workers_of(assignment.organization):
                key = f"overdue:{user.pk}:{assignment.pk}:{assignment.due_date:%Y%m%d}"
                created += bool(
                    notification_create(
                        recipient=user, kind=Notification.Kind.OVERDUE, assignment=assignment, text=text, key=key
                    )
                )
    emails = digest_send()
    return {"notifications": created, "emails": emails}
