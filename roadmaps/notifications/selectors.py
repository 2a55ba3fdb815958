"""Reads of notifications: how each person wants each kind delivered by e-mail."""

from roadmaps.models import DEFAULT_DELIVERY, Notification, NotificationPreference


def deliveries_of(user_ids) -> dict[int, dict[str, str]]:
    """{user id: {kind: delivery}} for every kind: the person's choice, else the default."""
    chosen: dict[int, dict[str, str]] = {user_id: dict(DEFAULT_DELIVERY) for user_id in user_ids}
    rows = NotificationPreference.objects.filter(user_id__in=list(chosen)).values_list("user_id", "kind", "delivery")
    for user_id, kind, delivery in rows:
        chosen[user_id][kind] = delivery
    return chosen


def preferences_for(user) -> list[tuple[str, str, str]]:
    """(kind, its Russian name, delivery) for every kind, in the order of Notification.Kind."""
    chosen = deliveries_of([user.pk])[user.pk]
    return [(kind, label, chosen[kind]) for kind, label in Notification.Kind.choices]
