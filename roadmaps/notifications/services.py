"""Writes of notifications: creating one per event and person (once, by its dedupe key), mailing
them as each person chose (at once on commit, in the daily digest, or not at all), and saving
those choices.

A notification is created in the transaction of its event; a letter goes out only after that
transaction commits (`transaction.on_commit`), through a Celery task that takes primary keys.
Every letter claims its notifications (`emailed_at` set in the same transaction as the letter is
sent, the rows locked first), so a task run twice, or the digest meeting the immediate letter,
mails nothing twice."""

import logging

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from roadmaps.models import Delivery, Notification, NotificationPreference, Order, Roadmap
from roadmaps.notifications.selectors import deliveries_of
from schools.access import METHODIST, OFFICIAL, access_for, staff_of

logger = logging.getLogger(__name__)


# --- creating -------------------------------------------------------------------------------


def notification_create(*, recipient, kind: str, text: str, key: str, assignment=None, url: str | None = None):
    """Create the notification unless one with this key exists: events are never repeated. Returns
    it, or None when it existed. `url` is where the person opens it (an occurrence's card when
    left out); when the person wants this kind at once, a letter is sent after the commit."""
    if url is None:
        url = reverse("execution:assignment", args=[assignment.pk]) if assignment else ""
    notification, created = Notification.objects.get_or_create(
        dedupe_key=key[:200],
        defaults={"recipient": recipient, "kind": kind, "assignment": assignment, "text": text, "url": url},
    )
    if not created:
        return None
    if (
        recipient.is_active
        and recipient.email
        and deliveries_of([recipient.pk])[recipient.pk][kind] == Delivery.IMMEDIATE
    ):
        pk = notification.pk
        # robust: a broker that is down must not turn the committed event into an error page; the
        # letter is then caught up by the daily digest.
        transaction.on_commit(lambda: _enqueue([pk]), robust=True)
    return notification


#: The Celery task that mails at once (roadmaps/notifications/tasks.py), found by its name: the task
#: module imports this one, so this one does not import it back.
MAIL_TASK = "roadmaps.notifications_mail"


def _enqueue(notification_ids: list[int]) -> None:
    current_app.tasks[MAIL_TASK].delay(notification_ids)


def _roadmap_url(roadmap: Roadmap) -> str:
    return reverse("roadmaps:detail", args=[roadmap.pk])


def _notify_each(people, *, kind: str, text: str, url: str, event: str) -> int:
    created = 0
    for person in people:
        created += bool(
            notification_create(recipient=person, kind=kind, text=text, url=url, key=f"{kind}:{person.pk}:{event}")
        )
    return created


def _event(roadmap: Roadmap) -> str:
    # lock_version grows with every change of state: a roadmap submitted, returned and submitted
    # again is two events, while the same event met twice is one.
    return f"{roadmap.pk}:{roadmap.lock_version}"


def notify_roadmap_submitted(*, roadmap: Roadmap, by) -> int:
    """Tell the officials who may approve the roadmap (`can_approve`: of its municipality, of its
    region for a regional one) that it waits for them; not the one who sent it."""
    people = staff_of(roadmap.owner, OFFICIAL).exclude(pk=by.pk)
    text = f"На утверждение отправлена дорожная карта «{roadmap}» ({roadmap.owner.short_name})"
    return _notify_each(
        people, kind=Notification.Kind.ROADMAP_SUBMITTED, text=text, url=_roadmap_url(roadmap), event=_event(roadmap)
    )


def _authors(roadmap: Roadmap, by):
    """Who made the roadmap: its author, while still among its editors, and the methodists of its
    municipality (of its region, for a regional one); not the one who decided."""
    author = roadmap.created_by if roadmap.created_by_id and roadmap.created_by.is_active else None
    include_author = author is not None and access_for(author).can_change(roadmap)
    methodists = staff_of(roadmap.owner, METHODIST).values("pk")
    where = Q(pk__in=methodists) | (Q(pk=author.pk) if include_author else Q(pk__in=[]))
    return get_user_model().objects.filter(where, is_active=True).exclude(pk=by.pk).order_by("pk")


def notify_roadmap_approved(*, roadmap: Roadmap, by, order: Order) -> int:
    text = f"Дорожная карта «{roadmap}» утверждена: {order}"
    return _notify_each(
        _authors(roadmap, by),
        kind=Notification.Kind.ROADMAP_APPROVED,
        text=text,
        url=_roadmap_url(roadmap),
        event=_event(roadmap),
    )


def notify_roadmap_returned(*, roadmap: Roadmap, by) -> int:
    text = f"Дорожная карта «{roadmap}» возвращена на доработку. Замечания: {roadmap.return_comment}"
    return _notify_each(
        _authors(roadmap, by),
        kind=Notification.Kind.ROADMAP_RETURNED,
        text=text,
        url=_roadmap_url(roadmap),
        event=_event(roadmap),
    )


# --- mailing --------------------------------------------------------------------------------


def _mail(*, recipient_id: int, kinds: list[str], template: str, digest: bool) -> int:
    """One letter to the person with their notifications of `kinds` not mailed yet; 1 if sent.

    The rows are locked and marked in the transaction that sends the letter: a second run waits,
    then finds them mailed; a letter that fails leaves them unmarked for the next try."""
    if not kinds:
        return 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient_id=recipient_id, kind__in=kinds, emailed_at__isnull=True, recipient__is_active=True)
            .exclude(recipient__email="")
            .select_related("recipient")
            .order_by("created_at", "pk")
        )
        if not rows:
            return 0
        recipient = rows[0].recipient
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
        body = render_to_string(template, {"user": recipient, "notifications": rows, "base": settings.SITE_URL})
        if digest:
            subject = f"МУКО: сводка уведомлений ({len(rows)})"
        elif len(rows) == 1:
            subject = f"МУКО: {rows[0].get_kind_display()}"
        else:
            subject = f"МУКО: новые уведомления ({len(rows)})"
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    return 1


def notifications_mail_now(*, notification_ids: list[int]) -> int:
    """The immediate letter: to each recipient of these notifications, one letter with everything
    they want at once and have not been mailed (these, and any an earlier letter missed). Returns
    the number of letters."""
    recipients = sorted(
        set(
            Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).values_list(
                "recipient_id", flat=True
            )
        )
    )
    sent = 0
    for recipient_id, chosen in deliveries_of(recipients).items():
        kinds = [kind for kind, delivery in chosen.items() if delivery == Delivery.IMMEDIATE]
        sent += _mail(recipient_id=recipient_id, kinds=kinds, template="notifications/email/now.txt", digest=False)
    return sent


def digest_send() -> int:
    """The daily digest: one letter per person with every notification not mailed yet of the kinds
    they get by e-mail: those they chose daily, and those they want at once whose letter did not go
    (the broker lost the task, the mail server refused). Kinds turned off are never mailed."""
    recipients = (
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id, chosen in sorted(deliveries_of(set(recipients)).items()):
        kinds = [kind for kind, delivery in chosen.items() if delivery != Delivery.OFF]
        sent += _mail(recipient_id=recipient_id, kinds=kinds, template="execution/email/digest.txt", digest=True)
    return sent


# --- preferences ----------------------------------------------------------------------------


@transaction.atomic
def notification_preferences_save(*, user, deliveries: dict[str, str]) -> None:
    """Save how the person wants each kind by e-mail (only their own: the page passes request.user)."""
    kinds, choices = set(Notification.Kind.values), set(Delivery.values)
    for kind, delivery in deliveries.items():
        if kind not in kinds or delivery not in choices:
            raise ValueError(f"unknown notification kind or delivery: {kind}={delivery}")
        NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
