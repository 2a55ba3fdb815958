"""Execution of approved roadmaps: occurrences assigned to organisations, evidence, review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from roadmaps.models.catalogue import EvidenceKind
from roadmaps.models.plans import Measure
from schools.access import ScopedQuerySet
from schools.models import Organization


class AssignmentQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """A director sees their organisation's occurrences; staff the municipality's; viewers all."""
        return self.filter(access.organization_q())


class Assignment(models.Model):
    """Назначение мероприятия организации на одно исполнение (recurring deadlines give one row
    per occurrence), with its window, due date and status.

    `status` records what people did; «просрочено» and «срок скоро» are not stored but computed
    with the calendar by `roadmaps.execution.state` (read as `assignment.state`)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Запланировано"
        IN_PROGRESS = "in_progress", "Выполняется"
        SUBMITTED = "submitted", "На проверке"
        ACCEPTED = "accepted", "Принято"
        RETURNED = "returned", "Возвращено на доработку"

    measure = models.ForeignKey(
        Measure, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="assignments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="assignments"
    )
    occurrence = models.PositiveIntegerField("номер исполнения", default=1)
    window_start = models.DateField("начало", null=True, blank=True)
    window_end = models.DateField("окончание", null=True, blank=True)
    due_date = models.DateField("срок", null=True, blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.PLANNED)
    actions_done = models.JSONField("выполненные действия", default=list, blank=True)
    # What the organisation reports it achieved against the measure's target (in the target's unit),
    # entered with its evidence; it counts once the methodist accepts the occurrence.
    achieved_value = models.DecimalField("достигнутое значение", max_digits=12, decimal_places=3, null=True, blank=True)
    submitted_at = models.DateTimeField("отправлено на проверку", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отправил на проверку",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    created_at = models.DateTimeField("назначено", auto_now_add=True)

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "назначение (исполнение)"
        verbose_name_plural = "назначения (исполнения)"
        ordering = ["due_date", "measure__section__order", "measure__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organization", "occurrence"], name="assignment_unique_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_date"]),
            # Dashboards list the earliest overdue occurrences: walked in due order, cut at the limit.
            models.Index(fields=["due_date", "id"], name="assignment_due_order"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} — {self.organization} ({self.occurrence})"

    # Statuses in which the organisation still works on the occurrence: evidence may change.
    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.RETURNED)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def state(self) -> str:
        """The state a person sees (`roadmaps.execution.state.State`): annotated by `with_state` on
        lists, computed from the same rule otherwise."""
        if "_annotated_state" in self.__dict__:
            return self.__dict__["_annotated_state"]
        from roadmaps.execution.state import state_of

        return state_of(self.status, self.due_date)

    @state.setter
    def state(self, value: str) -> None:
        # `with_state` sets the annotation on each row it loads.
        self.__dict__["_annotated_state"] = value


class Evidence(models.Model):
    """Подтверждающий документ исполнения: приказ, протокол, справка … — файл и/или ссылка."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="исполнение", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.ForeignKey(EvidenceKind, verbose_name="вид документа", on_delete=models.PROTECT)
    title = models.CharField("наименование", max_length=500)
    number = models.CharField("номер", max_length=100, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    file = models.FileField("файл", upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    content_type = models.CharField("тип содержимого", max_length=100, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", default=0)
    link = models.URLField("ссылка", max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("загружено", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "подтверждающий документ"
        verbose_name_plural = "подтверждающие документы"
        ordering = ["assignment", "uploaded_at"]
        constraints = [models.CheckConstraint(condition=~Q(file="") | ~Q(link=""), name="evidence_has_file_or_link")]

    def __str__(self) -> str:
        return self.title


class ReviewDecision(models.Model):
    """Решение методиста по исполнению: принято или возвращено с замечанием. Kept forever, together
    with the organisation's submissions, as the occurrence's history."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Принято"
        RETURNED = "returned", "Возвращено на доработку"
        REOPENED = "reopened", "Открыто повторно"
        SUBMITTED = "submitted", "Отправлено на проверку"

    assignment = models.ForeignKey(
        Assignment, verbose_name="исполнение", on_delete=models.CASCADE, related_name="decisions"
    )
    decision = models.CharField("решение", max_length=20, choices=Decision.choices)
    comment = models.TextField("замечание", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто решил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "решение по проверке"
        verbose_name_plural = "решения по проверке"
        ordering = ["assignment", "decided_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.assignment}"
