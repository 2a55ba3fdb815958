"""Celery adapter of notifications: the immediate letter, enqueued on commit with primary keys."""

from celery import shared_task

from roadmaps.notifications.services import MAIL_TASK, notifications_mail_now


@shared_task(name=MAIL_TASK)
def notifications_mail_task(notification_ids: list[int]) -> int:
    """Mail these notifications to those who want them at once. Running it twice mails nothing twice:
    every letter claims its notifications."""
    return notifications_mail_now(notification_ids=notification_ids)
