"""Notifications of issue 20: a roadmap sent for approval, approved, returned; measures assigned;
evidence returned or accepted; an import of results that ended with problems. Each reaches the
right people and nobody else, in the product and by e-mail as each person chose (at once, in the
daily digest, or not at all), and only once however often the event or the task comes again."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from monitoring.models import ResultImport
from monitoring.services import result_import_apply, result_import_create
from roadmaps import services as roadmap_services
from roadmaps.catalogue import catalogue_load
from roadmaps.execution import services as execution
from roadmaps.execution.services import reminders_send
from roadmaps.models import Assignment, Delivery, Notification, NotificationPreference, Roadmap
from roadmaps.notifications.services import (
    digest_send,
    notification_preferences_save,
    notify_roadmap_submitted,
)
from roadmaps.notifications.tasks import notifications_mail_task
from roadmaps.tasks import notify_roadmap_assignments_task
from schools.models import Membership, Organization
from tests.conftest import make_organization, make_user
from tests.monitoring.conftest import VPR_HEADER, build_xlsx
from tests.roadmaps.execution_factories import (
    kind,
    make_assignment,
    make_measure,
    make_plan,
    make_roadmap,
    make_section,
    pdf_upload,
)

K = Notification.Kind


@pytest.fixture
def people(methodist, official, director_a, director_b, other_municipality):
    """Our municipality's staff and directors with e-mail, and an official and a methodist of the
    other municipality who must never hear of our plans."""
    other_authority = make_organization(other_municipality, "uo2", "УО Ершов", Organization.Kind.AUTHORITY)
    stranger = make_user("other_official", other_authority, Membership.Role.OFFICIAL, email="oo@uo2.example")
    stranger_methodist = make_user(
        "other_methodist", other_authority, Membership.Role.METHODIST, email="om@uo2.example"
    )
    for user, address in [
        (methodist, "m@uo.example"),
        (official, "o@uo.example"),
        (director_a, "a@sch.example"),
        (director_b, "b@sch.example"),
    ]:
        user.email = address
        user.save()
    return {
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "stranger": stranger,
        "stranger_methodist": stranger_methodist,
    }


def received(kind_):
    return sorted(Notification.objects.filter(kind=kind_).values_list("recipient__username", flat=True))


def draft_with_measure(authority, methodist, *schools):
    roadmap = make_roadmap(authority, status=Roadmap.Status.DRAFT)
    roadmap.created_by = methodist
    roadmap.save()
    measure = make_measure(make_section(roadmap))
    for school in schools:
        make_assignment(measure, school, due=60)
    return roadmap


def letters_to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --- the roadmap's workflow ---------------------------------------------------------------------


def test_submitted_roadmap_reaches_the_officials_of_its_municipality_only(
    authority, people, client_for, django_capture_on_commit_callbacks
):
    roadmap = draft_with_measure(authority, people["methodist"])
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    assert received(K.ROADMAP_SUBMITTED) == ["official"]
    notice = Notification.objects.get(kind=K.ROADMAP_SUBMITTED)
    assert notice.url == reverse("roadmaps:detail", args=[roadmap.pk])
    assert roadmap.title in notice.text
    # The official can open what the notice links to.
    assert client_for(people["official"]).get(notice.url).status_code == 200
    # Approving is asked at once by default: one letter, in Russian, with the absolute link.
    (letter,) = mail.outbox
    assert letter.to == ["o@uo.example"]
    assert letter.subject == "МУКО: Дорожная карта на утверждении"
    assert "отправлена дорожная карта" in letter.body
    assert f"{settings.SITE_URL}{notice.url}" in letter.body
    assert settings.SITE_URL.startswith("http")
    assert Notification.objects.get(pk=notice.pk).emailed_at is not None


def test_regional_roadmap_goes_to_the_officials_of_the_region(municipality, people, authority):
    ministry = Organization.objects.create(
        municipality=None,
        code="minobr",
        kind=Organization.Kind.REGIONAL,
        short_name="Минобразования",
        full_name="Министерство образования",
        region=municipality.region,
    )
    elsewhere = Organization.objects.create(
        municipality=None,
        code="minobr2",
        kind=Organization.Kind.REGIONAL,
        short_name="Другой",
        region="Пензенская область",
    )
    minister = make_user("minister", ministry, Membership.Role.OFFICIAL)
    author = make_user("regional_methodist", ministry, Membership.Role.METHODIST)
    make_user("other_region_official", elsewhere, Membership.Role.OFFICIAL)
    roadmap = make_roadmap(ministry, status=Roadmap.Status.DRAFT)
    roadmap.level = Roadmap.Level.REGIONAL
    roadmap.save()
    make_measure(make_section(roadmap))
    roadmap_services.roadmap_submit(roadmap=roadmap, by=author)
    assert received(K.ROADMAP_SUBMITTED) == [minister.username]


def test_approval_reaches_author_and_methodists_not_the_approver_nor_schools(
    authority, people, school_a, django_capture_on_commit_callbacks
):
    roadmap = draft_with_measure(authority, people["methodist"], school_a)
    roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    assert received(K.ASSIGNED) == []  # a draft's assignments are not news yet
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_services.roadmap_approve(
            roadmap=roadmap,
            by=people["official"],
            order_number="12-о",
            order_date=datetime.date(2025, 9, 1),
            signatory_name="Т. Разуваева",
        )
    assert received(K.ROADMAP_APPROVED) == ["methodist"]
    assert "12-о" in Notification.objects.get(kind=K.ROADMAP_APPROVED).text
    # Approval starts execution: the school hears of its measure at the commit, not from tomorrow's job.
    assert received(K.ASSIGNED) == ["director_a"]
    assert [m.to for m in mail.outbox if "Назначено мероприятие" in m.body] == [["a@sch.example"]]
    # The task again (a worker's retry) announces nothing twice.
    assert notify_roadmap_assignments_task(roadmap.pk) == 0
    assert received(K.ASSIGNED) == ["director_a"]


def test_return_reaches_the_methodists_with_the_remarks(authority, people):
    roadmap = draft_with_measure(authority, people["methodist"])
    colleague = make_user("methodist2", authority, Membership.Role.METHODIST)
    roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    roadmap_services.roadmap_return(roadmap=roadmap, by=people["official"], comment="Нет сроков в разделе 2")
    assert received(K.ROADMAP_RETURNED) == sorted(["methodist", colleague.username])
    notice = Notification.objects.get(kind=K.ROADMAP_RETURNED, recipient=people["methodist"])
    assert "Нет сроков в разделе 2" in notice.text
    # Sent again after the return: a new event, a new notice; the same event twice: one.
    roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    assert received(K.ROADMAP_SUBMITTED) == ["official", "official"]
    again = Roadmap.objects.get(pk=roadmap.pk)
    assert notify_roadmap_submitted(roadmap=again, by=people["methodist"]) == 0
    assert received(K.ROADMAP_SUBMITTED) == ["official", "official"]


# --- assignments ----------------------------------------------------------------------------


def test_eight_new_assignments_arrive_at_once_in_one_letter(
    authority, municipality, people, school_a, school_b, django_capture_on_commit_callbacks
):
    roadmap, measure, _ = make_plan(authority)
    measures = [measure] + [make_measure(measure.section, number=str(n), order=n) for n in range(2, 9)]
    with django_capture_on_commit_callbacks(execute=True):
        for item in measures:
            roadmap_services.measure_assign(measure=item, organizations=[school_a], by=people["methodist"])
    assert len(received(K.ASSIGNED)) == 8 and set(received(K.ASSIGNED)) == {"director_a"}
    # The 8 were committed together (one capture here, as one request would): their letters come
    # at the commit; each task mails all pending ones of the person, the rest find nothing.
    (letter,) = letters_to("a@sch.example")
    assert letter.body.count("Назначено мероприятие") == 8
    assert not letters_to("b@sch.example")
    assert Notification.objects.filter(kind=K.ASSIGNED, emailed_at__isnull=True).count() == 0


def test_assignment_in_a_draft_waits_for_approval(authority, people, school_a):
    roadmap = draft_with_measure(authority, people["methodist"])
    measure = roadmap.sections.get().measures.get()
    roadmap_services.measure_assign(measure=measure, organizations=[school_a], by=people["methodist"])
    assert Assignment.objects.filter(measure=measure).exists()
    assert received(K.ASSIGNED) == []


def test_approved_amendment_announces_only_what_is_new(
    authority, people, school_a, school_b, django_capture_on_commit_callbacks
):
    roadmap = draft_with_measure(authority, people["methodist"], school_a)
    roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    approve = {"order_date": datetime.date(2025, 9, 1), "signatory_name": "Т. Разуваева", "by": people["official"]}
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_services.roadmap_approve(roadmap=roadmap, order_number="1", **approve)
    assert received(K.ASSIGNED) == ["director_a"]
    amendment = roadmap_services.roadmap_amend(roadmap=roadmap, by=people["methodist"])
    new_measure = amendment.sections.get().measures.get()
    roadmap_services.measure_assign(measure=new_measure, organizations=[school_b], by=people["methodist"])
    roadmap_services.roadmap_submit(roadmap=amendment, by=people["methodist"])
    with django_capture_on_commit_callbacks(execute=True):
        roadmap_services.roadmap_approve(roadmap=amendment, order_number="2", **approve)
    # School A had this measure in the version amended; school B is new to it.
    assert received(K.ASSIGNED) == ["director_a", "director_b"]


# --- evidence -------------------------------------------------------------------------------


def test_returned_is_mailed_at_once_and_accepted_waits_for_the_digest(
    authority, people, school_a, django_capture_on_commit_callbacks
):
    _, _, (occurrence,) = make_plan(authority, school_a)
    director, methodist = people["director_a"], people["methodist"]
    data = execution.EvidenceData(kind=kind(), title="Протокол")
    execution.evidence_add(assignment=occurrence, by=director, data=data, upload=pdf_upload())
    execution.assignment_submit(assignment=occurrence, by=director)
    with django_capture_on_commit_callbacks(execute=True):
        execution.assignment_return(assignment=occurrence, by=methodist, comment="Нет подписи")
    assert received(K.RETURNED) == ["director_a"]
    (letter,) = letters_to("a@sch.example")
    assert "Нет подписи" in letter.body
    mail.outbox.clear()

    execution.assignment_submit(assignment=occurrence, by=director)
    with django_capture_on_commit_callbacks(execute=True):
        execution.assignment_accept(assignment=occurrence, by=methodist)
    assert received(K.ACCEPTED) == ["director_a"]
    assert not letters_to("a@sch.example")  # accepted: the daily digest by default
    digest_send()
    (digest,) = letters_to("a@sch.example")
    assert "Принято" in digest.body and "Нет подписи" not in digest.body  # the returned one went already


# --- imports --------------------------------------------------------------------------------


def import_with_a_bad_row(municipality, uploader, school_a, *, accept_partial):
    rows = [
        VPR_HEADER,
        [school_a.code, "5А", "Математика", "000101", 1, 2, 10, 4, 5],
        ["sch404404", "5А", "Математика", "000102", 0, 1, 4, 2, 4],
    ]
    result_import = result_import_create(
        municipality=municipality,
        data=build_xlsx(rows),
        filename="впр.xlsx",
        kind="vpr",
        year=2024,
        user=uploader,
    )
    result_import_apply(result_import=result_import, accept_partial=accept_partial)
    result_import.refresh_from_db()
    return result_import


def test_import_with_problems_tells_the_uploader(municipality, people, school_a, client_for):
    refused = import_with_a_bad_row(municipality, people["methodist"], school_a, accept_partial=False)
    assert refused.status == ResultImport.Status.REJECTED
    assert received(K.IMPORT_PROBLEMS) == ["methodist"]
    notice = Notification.objects.get(kind=K.IMPORT_PROBLEMS)
    assert "не импортирован" in notice.text and "впр.xlsx" in notice.text
    assert client_for(people["methodist"]).get(notice.url).status_code == 200

    partial = import_with_a_bad_row(municipality, people["official"], school_a, accept_partial=True)
    assert partial.status == ResultImport.Status.IMPORTED and partial.rejected_count == 1
    assert received(K.IMPORT_PROBLEMS) == ["methodist", "official"]


def test_clean_import_tells_nobody(municipality, people, school_a):
    rows = [VPR_HEADER, [school_a.code, "5А", "Математика", "000101", 1, 2, 10, 4, 5]]
    result_import = result_import_create(
        municipality=municipality,
        data=build_xlsx(rows),
        filename="ok.xlsx",
        kind="vpr",
        year=2024,
        user=people["methodist"],
    )
    result_import_apply(result_import=result_import)
    assert ResultImport.objects.get(pk=result_import.pk).status == ResultImport.Status.IMPORTED
    assert not Notification.objects.exists()


# --- preferences and delivery ---------------------------------------------------------------


def submit(authority, people, capture):
    roadmap = draft_with_measure(authority, people["methodist"])
    with capture(execute=True):
        roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    return Notification.objects.get(kind=K.ROADMAP_SUBMITTED)


def test_daily_choice_moves_the_letter_into_the_digest(authority, people, django_capture_on_commit_callbacks):
    notification_preferences_save(user=people["official"], deliveries={K.ROADMAP_SUBMITTED: Delivery.DAILY})
    notice = submit(authority, people, django_capture_on_commit_callbacks)
    assert not mail.outbox
    assert reminders_send()["emails"] == 1
    (letter,) = mail.outbox
    assert letter.subject == "МУКО: сводка уведомлений (1)"
    assert f"{settings.SITE_URL}{notice.url}" in letter.body
    assert reminders_send()["emails"] == 0


def test_off_means_no_letter_but_the_notice_stays(authority, people, django_capture_on_commit_callbacks):
    notification_preferences_save(user=people["official"], deliveries={K.ROADMAP_SUBMITTED: Delivery.OFF})
    notice = submit(authority, people, django_capture_on_commit_callbacks)
    assert notice.recipient == people["official"]
    assert not mail.outbox
    assert digest_send() == 0
    assert not mail.outbox


def test_the_task_twice_and_the_digest_after_it_mail_once(authority, people, django_capture_on_commit_callbacks):
    notice = submit(authority, people, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert notifications_mail_task.delay([notice.pk]).get() == 0
    assert notifications_mail_task([notice.pk]) == 0
    assert digest_send() == 0
    assert len(mail.outbox) == 1


def test_a_letter_lost_at_commit_is_caught_up_by_the_digest(authority, people):
    # No on-commit here: as when the broker lost the task. The next digest brings it, once.
    roadmap = draft_with_measure(authority, people["methodist"])
    roadmap_services.roadmap_submit(roadmap=roadmap, by=people["methodist"])
    assert not mail.outbox
    assert digest_send() == 1 and digest_send() == 0
    assert len(letters_to("o@uo.example")) == 1


def test_nobody_without_an_address_gets_a_letter(authority, people, django_capture_on_commit_callbacks):
    people["official"].email = ""
    people["official"].save()
    submit(authority, people, django_capture_on_commit_callbacks)
    assert not mail.outbox and digest_send() == 0


# --- the page «Настройки уведомлений» -------------------------------------------------------


def test_settings_page_needs_login(db, client_for):
    response = client_for(None).get(reverse("execution:notification_settings"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_settings_page_shows_every_kind_with_defaults(client_for, people):
    response = client_for(people["director_a"]).get(reverse("execution:notification_settings"))
    text = response.content.decode()
    for _kind, label in K.choices:
        assert label in text
    assert "не присылать" in text and "в продукте" in text
    form = response.context["form"]
    assert form.initial[K.ASSIGNED] == Delivery.IMMEDIATE
    assert form.initial[K.DUE_SOON] == Delivery.DAILY


def test_a_person_saves_only_their_own_choices(client_for, people):
    notification_preferences_save(user=people["director_b"], deliveries={K.RETURNED: Delivery.DAILY})
    data = {value: Delivery.DAILY for value in K.values} | {K.RETURNED: Delivery.OFF}
    # A user id slipped into the form changes nothing: the page writes the signed-in person's rows.
    data["user"] = people["director_b"].pk
    response = client_for(people["director_a"]).post(reverse("execution:notification_settings"), data)
    assert response.status_code == 302
    mine = dict(NotificationPreference.objects.filter(user=people["director_a"]).values_list("kind", "delivery"))
    assert mine[K.RETURNED] == Delivery.OFF and mine[K.ASSIGNED] == Delivery.DAILY
    theirs = dict(NotificationPreference.objects.filter(user=people["director_b"]).values_list("kind", "delivery"))
    assert theirs == {K.RETURNED: Delivery.DAILY}
    page = client_for(people["director_a"]).get(reverse("execution:notification_settings"))
    assert page.context["form"].initial[K.RETURNED] == Delivery.OFF


def test_an_unknown_choice_is_refused_and_nothing_saved(client_for, people):
    data = {value: Delivery.DAILY for value in K.values} | {K.RETURNED: "hourly"}
    response = client_for(people["director_a"]).post(reverse("execution:notification_settings"), data)
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()


def test_settings_reachable_from_notifications_page_and_menu(client_for, people):
    url = reverse("execution:notification_settings")
    assert url in client_for(people["director_a"]).get(reverse("execution:notifications")).content.decode()
    assert url in client_for(people["methodist"]).get(reverse("home")).content.decode()


# --- the demo -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_demo_makes_notifications_but_mails_its_invented_people_nothing(settings):
    # Committed for real, as `make run` loads it: the approval's task runs at the commit.
    settings.DEBUG = True
    catalogue_load()
    call_command("load_demo", stdout=io.StringIO())
    assert Notification.objects.filter(kind=K.ROADMAP_SUBMITTED, recipient__username="official").exists()
    assert Notification.objects.filter(kind=K.ASSIGNED, recipient__username="director").exists()
    assert mail.outbox == []
