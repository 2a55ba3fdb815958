"""Review cycle: submit → return with a comment → correct → resubmit → accept, kept as history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from roadmaps.execution import services as services
from roadmaps.models import Assignment, Evidence, ReviewDecision
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload


@pytest.fixture
def plan(authority, school_a, school_b):
    roadmap, measure, (assignment_a, assignment_b) = make_plan(authority, school_a, school_b)
    return assignment_a, assignment_b


def add_protocol(client, assignment, title="Протокол педсовета № 3", code="protocol", name="протокол.pdf"):
    return client.post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind(code).pk, "title": title, "number": "3", "date": "2026-10-01", "file": pdf_upload(name)},
    )


def test_review_cycle_with_history(client_for, plan, methodist, director_a):
    assignment, _ = plan
    client = client_for(director_a)
    assert add_protocol(client, assignment).status_code == 302
    assert client.post(reverse("execution:submit", args=[assignment.pk])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED and assignment.submitted_by == director_a

    client = client_for(methodist)
    queue = client.get(reverse("execution:review")).content.decode()
    assert reverse("execution:assignment", args=[assignment.pk]) in queue
    response = client.post(reverse("execution:return", args=[assignment.pk]), {"comment": "Нет подписи председателя"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RETURNED

    client = client_for(director_a)
    page = client.get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
    assert "Нет подписи председателя" in page
    assert add_protocol(client, assignment, title="Приказ № 12", code="order", name="приказ.pdf").status_code == 302
    assert client.post(reverse("execution:submit", args=[assignment.pk])).status_code == 302

    client = client_for(methodist)
    assert client.post(reverse("execution:accept", args=[assignment.pk]), {"comment": ""}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED and assignment.accepted_at
    history = list(assignment.decisions.order_by("decided_at", "pk").values_list("decision", "comment"))
    assert history == [
        ("submitted", ""),
        ("returned", "Нет подписи председателя"),
        ("submitted", ""),
        ("accepted", ""),
    ]
    page = client.get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
    assert "Возвращено на доработку" in page and "Нет подписи председателя" in page and "Принято" in page
    assert (
        reverse("execution:assignment", args=[assignment.pk])
        not in client.get(reverse("execution:review")).content.decode()
    )


def test_return_needs_a_comment(client_for, plan, methodist, director_a):
    assignment, _ = plan
    add_protocol(client_for(director_a), assignment)
    services.assignment_submit(assignment=assignment, by=director_a)
    response = client_for(methodist).post(reverse("execution:return", args=[assignment.pk]), {"comment": "  "})
    assert response.status_code == 400
    assert "Напишите замечание" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED


def test_submit_without_evidence_is_refused(client_for, plan, director_a):
    assignment, _ = plan
    client_for(director_a).post(reverse("execution:submit", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.PLANNED
    with pytest.raises(services.ExecutionError, match="хотя бы один"):
        services.assignment_submit(assignment=assignment, by=director_a)


def test_director_cannot_accept_own_evidence(client_for, plan, director_a):
    assignment, _ = plan
    add_protocol(client_for(director_a), assignment)
    services.assignment_submit(assignment=assignment, by=director_a)
    assert client_for(director_a).post(reverse("execution:accept", args=[assignment.pk])).status_code == 403
    assert (
        client_for(director_a).post(reverse("execution:return", args=[assignment.pk]), {"comment": "x"}).status_code
        == 403
    )
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED


def test_methodist_cannot_accept_what_they_submitted(authority, methodist, official):
    _, _, (own,) = make_plan(authority, authority)
    services.evidence_add(
        assignment=own, by=methodist, data=services.EvidenceData(kind=kind(), title="Протокол"), upload=pdf_upload()
    )
    services.assignment_submit(assignment=own, by=methodist)
    with pytest.raises(PermissionDenied):
        services.assignment_accept(assignment=own, by=methodist)
    services.assignment_accept(assignment=own, by=official)
    own.refresh_from_db()
    assert own.status == Assignment.Status.ACCEPTED


def test_accepted_evidence_is_frozen_until_reopened(client_for, plan, methodist, director_a):
    assignment, _ = plan
    client = client_for(director_a)
    add_protocol(client, assignment)
    services.assignment_submit(assignment=assignment, by=director_a)
    services.assignment_accept(assignment=assignment, by=methodist)
    evidence = Evidence.objects.get(assignment=assignment)

    assert add_protocol(client, assignment, title="Ещё один").status_code == 302
    assert client.post(reverse("execution:evidence_delete", args=[evidence.pk])).status_code == 302
    assert Evidence.objects.filter(assignment=assignment).count() == 1
    assert client.post(reverse("execution:action_toggle", args=[assignment.pk, 0])).status_code == 302
    assignment.refresh_from_db()
    assert assignment.actions_done == []
    # The director cannot reopen; the methodist can, with a reason, and then the director may change it.
    assert client.post(reverse("execution:reopen", args=[assignment.pk]), {"comment": "x"}).status_code == 403
    response = client_for(methodist).post(
        reverse("execution:reopen", args=[assignment.pk]), {"comment": "Уточнить дату"}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RETURNED
    assert ReviewDecision.objects.filter(assignment=assignment, decision="reopened").exists()
    client = client_for(director_a)
    assert client.post(reverse("execution:evidence_delete", args=[evidence.pk])).status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_actions_are_ticked_and_checklist_fills(client_for, plan, director_a):
    assignment, _ = plan
    client = client_for(director_a)
    client.post(reverse("execution:action_toggle", args=[assignment.pk, 1]))
    assignment.refresh_from_db()
    assert assignment.actions_done == [1]
    client.post(reverse("execution:action_toggle", args=[assignment.pk, 1]))
    assignment.refresh_from_db()
    assert assignment.actions_done == []
    assert client.post(reverse("execution:action_toggle", args=[assignment.pk, 7])).status_code == 302
    page = client.get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
    assert page.count('aria-label="нет"') == 2
    add_protocol(client, assignment)
    page = client.get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
    assert page.count('aria-label="нет"') == 1 and page.count('aria-label="есть"') == 1


def test_evidence_can_be_a_link_only(client_for, plan, director_a):
    assignment, _ = plan
    response = client_for(director_a).post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind("link").pk, "title": "Публикация на сайте", "link": "https://school.example/news/1"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(assignment=assignment)
    assert evidence.link == "https://school.example/news/1" and not evidence.file
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.IN_PROGRESS


def test_evidence_needs_file_or_link(client_for, plan, director_a):
    assignment, _ = plan
    response = client_for(director_a).post(
        reverse("execution:evidence_add", args=[assignment.pk]), {"kind": kind().pk, "title": "Протокол"}
    )
    assert response.status_code == 400
    assert "Приложите файл или укажите ссылку" in response.content.decode()
    assert not Evidence.objects.exists()


def test_after_a_decision_the_next_waiting_occurrence_opens(client_for, plan, methodist, director_a, director_b):
    first, second = plan
    for director, assignment in ((director_a, first), (director_b, second)):
        client = client_for(director)  # one test client: signed in as one person at a time
        assert add_protocol(client, assignment).status_code == 302
        assert client.post(reverse("execution:submit", args=[assignment.pk])).status_code == 302
    client = client_for(methodist)
    response = client.post(reverse("execution:accept", args=[first.pk]), {"comment": ""})
    assert response["Location"] == reverse("execution:assignment", args=[second.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Исполнение принято. Открыто следующее на проверке (осталось 1)" in page
    response = client.post(reverse("execution:return", args=[second.pk]), {"comment": "Нет подписи"})
    assert response["Location"] == reverse("execution:review")
    assert "Больше ничего не ждёт проверки" in client.get(response["Location"]).content.decode()


def test_a_pdf_opens_in_the_browser_and_an_image_shows_on_the_page(client_for, plan, methodist, director_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20  # recognised by its signature, as the upload tests do
    assignment, _ = plan
    client = client_for(director_a)
    add_protocol(client, assignment)
    client.post(
        reverse("execution:evidence_add", args=[assignment.pk]),
        {"kind": kind("report").pk, "title": "Фото стенда", "file": SimpleUploadedFile("стенд.png", png)},
    )
    pdf, image = Evidence.objects.order_by("pk")
    page = client_for(methodist).get(reverse("execution:assignment", args=[assignment.pk])).content.decode()
    pdf_view = reverse("execution:evidence_download", args=[pdf.pk]) + "?view=1"
    image_view = reverse("execution:evidence_download", args=[image.pk]) + "?view=1"
    assert f'href="{pdf_view}"' in page and f'src="{image_view}"' in page
    shown = client_for(methodist).get(pdf_view)
    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    assert client_for(methodist).get(image_view)["Content-Type"] == "image/png"
