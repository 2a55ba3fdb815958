"""In-app notifications (уведомления) about roadmaps, their execution and result imports, and each
person's choice of how they are mailed (at once, in the daily digest, or not at all)."""

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
    срок прошёл, документы поступили на проверку, дорожная карта отправлена на утверждение,
    утверждена или возвращена, загрузка результатов завершилась с проблемами. The dedupe key makes
    every event land once per person, so reminders may run as often as anybody likes; `emailed_at`
    makes it mailed once, whether at once or in the digest."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Назначено мероприятие"
        SUBMITTED = "submitted", "Поступило на проверку"
        RETURNED = "returned", "Возвращено на доработку"
        ACCEPTED = "accepted", "Принято"
        DUE_SOON = "due_soon", "Приближается срок"
        OVERDUE = "overdue", "Срок прошёл"
        ROADMAP_SUBMITTED = "roadmap_submitted", "Дорожная карта на утверждении"
        ROADMAP_APPROVED = "roadmap_approved", "Дорожная карта утверждена"
        ROADMAP_RETURNED = "roadmap_returned", "Дорожная карта возвращена на доработку"
        IMPORT_PROBLEMS = "import_problems", "Загрузка результатов с проблемами"
        RECOMMENDATION = "recommendation", "Адресная рекомендация"
        RECOMMENDATION_REPORTED = "recommend_reported", "Отчёт по рекомендации"
        RECOMMENDATION_DECIDED = "recommend_decided", "Решение по рекомендации"

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


class Delivery(models.TextChoices):
    """How a person wants one kind of notification by e-mail. In the product every notification is
    listed whatever is chosen: «не присылать» stops the letter, not the item under the bell."""

    IMMEDIATE = "immediate", "сразу"
    DAILY = "daily", "ежедневная сводка"
    OFF = "off", "не присылать"


#: What a person gets who has chosen nothing: what asks for action now (a plan to approve, a plan
#: or evidence returned, a new measure, a failed import) comes at once; the rest waits for the
#: morning digest.
DEFAULT_DELIVERY: dict[str, str] = {
    Notification.Kind.ASSIGNED: Delivery.IMMEDIATE,
    Notification.Kind.SUBMITTED: Delivery.DAILY,
    Notification.Kind.RETURNED: Delivery.IMMEDIATE,
    Notification.Kind.ACCEPTED: Delivery.DAILY,
    Notification.Kind.DUE_SOON: Delivery.DAILY,
    Notification.Kind.OVERDUE: Delivery.DAILY,
    Notification.Kind.ROADMAP_SUBMITTED: Delivery.IMMEDIATE,
    Notification.Kind.ROADMAP_APPROVED: Delivery.IMMEDIATE,
    Notification.Kind.ROADMAP_RETURNED: Delivery.IMMEDIATE,
    Notification.Kind.IMPORT_PROBLEMS: Delivery.IMMEDIATE,
    Notification.Kind.RECOMMENDATION: Delivery.IMMEDIATE,
    Notification.Kind.RECOMMENDATION_REPORTED: Delivery.DAILY,
    Notification.Kind.RECOMMENDATION_DECIDED: Delivery.IMMEDIATE,
}


class NotificationPreferenceQuerySet(ScopedQuerySet):
    everything_for_those_who_see_everything = False

    def scope(self, access, user):
        """Everyone reads and changes only their own choices."""
        return self.filter(user=user)


class NotificationPreference(models.Model):
    """Настройка уведомлений: how one person gets one kind of notification by e-mail. A kind with no
    row is delivered as DEFAULT_DELIVERY says."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("вид уведомления", max_length=20, choices=Notification.Kind.choices)
    delivery = models.CharField("по почте", max_length=20, choices=Delivery.choices)

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "настройка уведомлений"
        verbose_name_plural = "настройки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once_per_kind"),
            models.CheckConstraint(
                condition=models.Q(delivery__in=["immediate", "daily", "off"]),
                name="notification_preference_delivery_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} — {self.get_delivery_display()}"
