"""In-app notifications (уведомления) about execution, mailed to people as a daily digest."""

from django.conf import settings
from django.db import models

from schools.access import ScopedQuerySet


class NotificationQuerySet(ScopedQuerySet):
    everything_for_those_who_see_everything = False

    def scope(self, access, user):
        """Everyone reads only their own notifications."""
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Уведомление человеку: назначено мероприятие, возвращено на доработку, срок через 7 дней,
    срок прошёл, документы поступили на проверку. The dedupe key makes every event land once
    per person, so reminders may run as often as anybody likes."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Назначено мероприятие"
        SUBMITTED = "submitted", "Поступило на проверку"
        RETURNED = "returned", "Возвращено на доработку"
        ACCEPTED = "accepted", "Принято"
        DUE_SOON = "due_soon", "Приближается срок"
        OVERDUE = "overdue", "Срок прошёл"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="получатель", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    assignment = models.ForeignKey(
        "roadmaps.Assignment",
        verbose_name="исполнение",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.TextField("текст")
    url = models.CharField("ссылка", max_length=500, blank=True)
    dedupe_key = models.CharField("ключ неповторения", max_length=200, unique=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    emailed_at = models.DateTimeField("отправлено по почте", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["emailed_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]
