from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from schools.access import ScopedQuerySet

# A job the broker never accepted (it was down) is sent again after this long.
NEVER_SENT_GRACE = timedelta(minutes=1)


def stranded_cutoffs(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(never sent before, last sent before): a queued job older than these has lost its message.

    A message is lost when Redis restarts without persistence or a worker dies between taking it and
    starting: the row stays «В очереди» and nothing will ever run it unless it is sent again."""
    now = now or timezone.now()
    return now - NEVER_SENT_GRACE, now - timedelta(minutes=settings.JOBS_RESEND_AFTER_MINUTES)


class JobQuerySet(ScopedQuerySet):
    everything_for_those_who_see_everything = False  # a viewer sees their own jobs only

    def scope(self, access, user):
        """Jobs are personal; administrators (superusers and ADMIN members alike) see every job."""
        return self if access.is_admin else self.filter(created_by=user)

    def stranded(self, now: datetime | None = None):
        never_sent_before, sent_before = stranded_cutoffs(now)
        return self.filter(
            Q(sent_at__isnull=True, created_at__lt=never_sent_before) | Q(sent_at__lt=sent_before),
            status=Job.Status.QUEUED,
        )


class Job(models.Model):
    """Фоновое задание: a long piece of work (import, computation, render) run by Celery,
    whose progress a page polls and shows as a bar."""

    class Status(models.TextChoices):
        QUEUED = "queued", "В очереди"
        RUNNING = "running", "Выполняется"
        SUCCEEDED = "succeeded", "Готово"
        FAILED = "failed", "Ошибка"

    kind = models.CharField("вид", max_length=50)
    title = models.CharField("название", max_length=300)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveBigIntegerField("сделано", default=0)
    progress_total = models.PositiveBigIntegerField("всего", default=0)
    message = models.CharField("сообщение", max_length=500, blank=True)
    error = models.TextField("ошибка", blank=True)
    result = models.JSONField("результат", default=dict, blank=True)
    result_url = models.CharField("ссылка на результат", max_length=500, blank=True)
    task_name = models.CharField("задача Celery", max_length=200)
    task_kwargs = models.JSONField("параметры задачи", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто запустил", null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    sent_at = models.DateTimeField("передано в очередь", null=True, blank=True)
    sends = models.PositiveSmallIntegerField("отправок в очередь", default=0)
    started_at = models.DateTimeField("начато", null=True, blank=True)
    heartbeat_at = models.DateTimeField("последний признак жизни", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "фоновое задание"
        verbose_name_plural = "фоновые задания"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_stranded(self) -> bool:
        """Queued for longer than a healthy queue takes: its message is probably lost (see stranded())."""
        if self.status != self.Status.QUEUED:
            return False
        never_sent_before, sent_before = stranded_cutoffs()
        return self.created_at < never_sent_before if self.sent_at is None else self.sent_at < sent_before

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
