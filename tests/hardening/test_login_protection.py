from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from config.audit.models import AuditEvent
from tests.conftest import PASSWORD


def attempt(client, password, username="methodist"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_repeated_failures_lock_the_account_for_that_address_with_russian_message(client, methodist, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "wrong").status_code == 200
    response = attempt(client, "wrong")
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()
    # Even the right password is refused while the lock holds.
    assert attempt(client, PASSWORD).status_code == 429


def test_lock_is_per_account_and_address(client, methodist, official, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD, username="official").status_code == 302
    other_address = client.post(
        reverse("login"), {"username": "methodist", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert other_address.status_code == 302


def test_logins_and_failures_are_audited(client, methodist):
    attempt(client, "wrong")
    attempt(client, PASSWORD)
    actions = list(AuditEvent.objects.order_by("at").values_list("action", "username", "ip_address"))
    assert actions == [("login_failed", "methodist", "10.0.0.7"), ("login", "methodist", "10.0.0.7")]


def test_audit_log_cannot_be_edited_from_the_product(client_for, admin_user, methodist):
    client = client_for(admin_user)
    event = AuditEvent.objects.create(action="other", username="x")
    assert client.get(reverse("admin:audit_auditevent_changelist") + "?action=other").status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    response = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sessions_expire_after_inactivity_and_activity_extends_them(client, methodist, settings):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60 and settings.SESSION_COOKIE_HTTPONLY is True
    client.force_login(methodist)
    client.get(reverse("home"))
    session = Session.objects.get()
    # Pretend the last touch was two minutes ago, with the expiry near: a request pushes it forward.
    data = session.get_decoded()
    data["_touched"] -= 120
    session.session_data = Session.objects.encode(data)
    session.expire_date = timezone.now() + timedelta(minutes=1)
    session.save()
    client.get(reverse("home"))
    assert Session.objects.get().expire_date > timezone.now() + timedelta(hours=7)
    # After the idle time has passed the session is gone.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("home")).status_code == 302
