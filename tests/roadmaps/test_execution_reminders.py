"""Notifications and reminders: assigned, due within 7 days, overdue, submitted, returned — in the
app and by e-mail as one digest a day; running the reminders twice sends nothing new."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from roadmaps.execution import services as services
from roadmaps.execution.services import reminders_send
from roadmaps.models import Assignment, Notification
from roadmaps.tasks import send_reminders_task
from tests.roadmaps.execution_factories import kind, make_assignment, make_plan, pdf_upload


@pytest.fixture
def emails(methodist, director_a, director_b):
    for user, address in [(methodist, "m@uo.example"), (director_a, "a@sch.example"), (director_b, "b@sch.example")]:
        user.email = address
        user.save()


@pytest.fixture
def plan(authority, school_a, school_b, emails):
    roadmap, measure, (soon_a,) = make_plan(authority, school_a, due=3)
    late_a = make_assignment(measure, school_a, due=-2, occurrence=2)
    later_b = make_assignment(measure, school_b, due=40)
    return {"soon_a": soon_a, "late_a": late_a, "later_b": later_b}


def kinds_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_due_soon_and_overdue_go_out_once(plan, director_a, director_b):
    result = reminders_send()
    # «Просрочено» is the state, not a stored mark: the job writes nothing on the occurrence.
    late = Assignment.objects.get(pk=plan["late_a"].pk)
    assert (late.status, late.state) == (Assignment.Status.PLANNED, "overdue")
    assert kinds_of(director_a) == ["assigned", "due_soon", "overdue"]
    assert kinds_of(director_b) == ["assigned"]
    # One digest per person, not one letter per event.
    assert result["emails"] == 2 and len(mail.outbox) == 2
    letter = next(m for m in mail.outbox if m.to == ["a@sch.example"])
    assert "Срок через 3 дн." in letter.body and "Срок прошёл" in letter.body
    assert "Назначено мероприятие" in letter.body

    again = reminders_send()
    assert again == {"notifications": 0, "emails": 0}
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 4


def test_command_twice_sends_nothing_new(plan, capsys):
    call_command("send_reminders")
    first = len(mail.outbox)
    assert first == 2
    call_command("send_reminders")
    assert len(mail.outbox) == first
    out = capsys.readouterr().out
    assert "отправлено писем: 0" in out


def test_next_day_brings_only_new_events(plan, director_a):
    today = timezone.localdate()
    reminders_send(today=today)
    count = Notification.objects.count()
    reminders_send(today=today + datetime.timedelta(days=1))
    assert Notification.objects.count() == count
    # Four days later the soon one is overdue: that is a new event, mailed once.
    reminders_send(today=today + datetime.timedelta(days=4))
    assert kinds_of(director_a).count("overdue") == 2
    sent = len(mail.outbox)
    reminders_send(today=today + datetime.timedelta(days=4))
    assert len(mail.outbox) == sent


def test_submitted_notifies_methodist_and_returned_notifies_director(plan, methodist, director_a):
    reminders_send()
    mail.outbox.clear()
    a = plan["soon_a"]
    services.evidence_add(
        assignment=a, by=director_a, data=services.EvidenceData(kind=kind(), title="Протокол"), upload=pdf_upload()
    )
    services.assignment_submit(assignment=a, by=director_a)
    assert kinds_of(methodist) == ["submitted"]
    services.assignment_return(assignment=a, by=methodist, comment="Нет подписи")
    returned = Notification.objects.get(recipient=director_a, kind="returned")
    assert "Нет подписи" in returned.text
    assert len(mail.outbox) == 0  # events wait for the daily digest
    result = reminders_send()
    assert result["emails"] == 2
    assert any("Нет подписи" in m.body for m in mail.outbox if m.to == ["a@sch.example"])


def test_submitted_items_are_not_reminded(plan, director_a):
    a = plan["late_a"]
    services.evidence_add(
        assignment=a, by=director_a, data=services.EvidenceData(kind=kind(), title="Протокол"), upload=pdf_upload()
    )
    services.assignment_submit(assignment=a, by=director_a)
    reminders_send()
    assert not Notification.objects.filter(assignment=a, kind="overdue").exists()
    assert Assignment.objects.get(pk=a.pk).status == Assignment.Status.SUBMITTED


def test_people_without_email_get_in_app_only(plan, director_a):
    director_a.email = ""
    director_a.save()
    result = reminders_send()
    assert result["emails"] == 1
    assert Notification.objects.filter(recipient=director_a, emailed_at__isnull=True).count() == 3


def test_celery_task_runs_the_same_reminders(plan):
    result = send_reminders_task.delay().get()
    assert result["emails"] == 2
    assert send_reminders_task.delay().get()["emails"] == 0


def test_beat_schedule_has_the_reminders(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["execution-reminders"]
    assert entry["task"] == "roadmaps.send_reminders"
