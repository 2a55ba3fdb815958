"""The audit log records approvals, evidence decisions, imports, exports of personal-level data
and permission changes, besides logins (tests/hardening/test_login_protection.py)."""

from datetime import date

from django.urls import reverse

from config.audit.models import AuditEvent
from roadmaps import services
from roadmaps.models import Section
from schools.models import Membership


def test_roadmap_approval_and_return_are_audited(authority, methodist, official):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 8, 1), period_end=date(2027, 7, 31)
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading="1. Меры")
    services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Сентябрь")
    services.roadmap_submit(roadmap=roadmap, by=methodist)
    services.roadmap_return(roadmap=roadmap, by=official, comment="Добавьте сроки")
    services.roadmap_submit(roadmap=roadmap, by=methodist)
    services.roadmap_approve(
        roadmap=roadmap, by=official, order_number="12", order_date=date(2026, 8, 30), signatory_name="Т.В. Разуваева"
    )
    events = list(AuditEvent.objects.order_by("at").values_list("action", "username", "object_id"))
    assert events == [("return", "official", str(roadmap.pk)), ("approval", "official", str(roadmap.pk))]


def test_permission_changes_in_admin_are_audited(client_for, admin_user, school_a, director_a):
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:schools_membership_add"),
        {"user": director_a.pk, "organization": school_a.pk, "role": "viewer", "position": ""},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(role="viewer", user=director_a)
    client.post(reverse("admin:schools_membership_delete", args=[membership.pk]), {"post": "yes"})
    changes = list(
        AuditEvent.objects.filter(action="permission_change").order_by("pk").values_list("detail", flat=True)
    )
    assert [c["change"] for c in changes] == ["добавлено", "удалено"]
    assert all(c["user"] == "director_a" and c["role"] == "viewer" for c in changes)


def test_audit_log_is_filterable_by_action_for_administrators(client_for, admin_user, methodist):
    AuditEvent.objects.create(action="approval", username="official", object_repr="План 2026")
    AuditEvent.objects.create(action="import", username="methodist", object_repr="впр.xlsx")
    page = client_for(admin_user).get(reverse("admin:audit_auditevent_changelist"), {"action__exact": "import"})
    assert "впр.xlsx" in page.content.decode() and "План 2026" not in page.content.decode()
    assert client_for(methodist).get(reverse("admin:audit_auditevent_changelist")).status_code == 302


def test_evidence_decisions_are_audited(db, methodist, director_a, school_a, authority):
    from roadmaps.execution import services as services_execution
    from tests.roadmaps.execution_factories import kind, make_assignment, make_measure, make_roadmap, make_section

    assignment = make_assignment(make_measure(make_section(make_roadmap(authority))), school_a, due=5)
    data = services_execution.EvidenceData(kind=kind(), title="Протокол", link="https://school.example/p")
    services_execution.evidence_add(assignment=assignment, by=director_a, data=data)
    services_execution.assignment_submit(assignment=assignment, by=director_a)
    services_execution.assignment_return(assignment=assignment, by=methodist, comment="Нет подписи")
    events = AuditEvent.objects.filter(action="evidence_decision", username="methodist")
    assert [event.detail["decision"] for event in events] == ["returned"]
    assert events.get().detail["comment"] == "Нет подписи"
