"""One approval record (issue 19, part 4): a roadmap is approved by its order (приказ), which is the
Order document itself; approving from the roadmap and signing the order are one action."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from config.audit.models import AuditEvent
from roadmaps import services
from roadmaps.models import Direction, FunctionType, Order, Roadmap, Section
from roadmaps.services import PersonInput, RoadmapStateError, order_save

PERIOD = {"period_start": date(2026, 9, 1), "period_end": date(2027, 8, 31)}


def on_approval_roadmap(owner, methodist, title="План мероприятий МУКО") -> Roadmap:
    roadmap = services.roadmap_create(
        owner=owner,
        by=methodist,
        title=title,
        approver_position="Начальник управления образования",
        approver_name="Т.В. Разуваева",
        **PERIOD,
    )
    section = services.section_create(
        roadmap=roadmap,
        by=methodist,
        kind=Section.Kind.DIRECTION,
        direction=Direction.objects.get(code="1.1"),
        function_type=FunctionType.objects.get(code="regional_cycle"),
    )
    services.section_generate_steps(section=section, by=methodist)
    return services.roadmap_submit(roadmap=roadmap, by=methodist)


@pytest.fixture
def roadmap(authority, methodist):
    return on_approval_roadmap(authority, methodist)


def test_approving_with_an_order_number_creates_one_signed_order_the_page_reads(
    roadmap, official, director_a, client_for
):
    response = client_for(official).post(
        reverse("roadmaps:approve", args=[roadmap.pk]),
        {
            "order_number": "215-о",
            "order_date": "2026-08-28",
            "signatory_position": "Заместитель главы администрации",
            "signatory_name": "В.Г. Мухин",
        },
    )
    assert response.status_code == 302
    orders = Order.objects.filter(approved__roadmap=roadmap)
    assert orders.count() == 1 == Order.objects.count()
    order = orders.get()
    roadmap.refresh_from_db()
    assert (order.number, order.date, order.status) == ("215-о", date(2026, 8, 28), Order.Status.SIGNED)
    assert (order.signatory_position, order.signatory_name, order.signed_by) == (
        "Заместитель главы администрации",
        "В.Г. Мухин",
        official,
    )
    assert (roadmap.status, roadmap.approval_order) == (Roadmap.Status.APPROVED, order)
    # the page shows the approval as the order has it, and offers both documents
    page = client_for(director_a).get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert "приказом № 215-о от 28.08.2026" in page
    assert "подписал: Заместитель главы администрации В.Г. Мухин" in page
    assert reverse("reports:roadmap_pdf", args=[roadmap.pk]) in page
    assert reverse("reports:order_pdf", args=[order.pk]) in page
    # ... and the stamp over the title is the print's stamp, dated by the order
    assert "28.08.2026" in page.split('class="roadmap-stamp"')[1].split("</div>\n  </div>")[0]


def test_the_signatory_defaults_to_the_roadmaps_approver(roadmap, official):
    approved = services.roadmap_approve(roadmap=roadmap, by=official, order_number="7", order_date=date(2026, 8, 28))
    order = approved.approval_order
    assert (order.signatory_position, order.signatory_name) == ("Начальник управления образования", "Т.В. Разуваева")
    assert approved.approval_line == "приказ № 7 от 28.08.2026"


def test_approving_signs_the_draft_order_that_includes_the_roadmap(roadmap, authority, methodist, official):
    draft = order_save(
        by=methodist,
        organization=authority,
        date=date(2026, 8, 20),
        title="Об утверждении планов мероприятий",
        roadmaps=[roadmap],
        control=[PersonInput(position="Начальник управления образования", name="Т.В. Разуваева")],
    )
    approved = services.roadmap_approve(roadmap=roadmap, by=official, order_number="216", order_date=date(2026, 8, 28))
    assert Order.objects.count() == 1 and approved.approval_order == draft
    draft.refresh_from_db()
    assert (draft.status, draft.number, draft.date) == (Order.Status.SIGNED, "216", date(2026, 8, 28))
    assert draft.persons.count() == 1  # the order keeps what was prepared in it


def test_signing_a_draft_order_approves_its_roadmaps(authority, methodist, official, client_for):
    first = on_approval_roadmap(authority, methodist, "Первая карта")
    second = on_approval_roadmap(authority, methodist, "Вторая карта")
    order = order_save(
        by=methodist, organization=authority, number="17", date=date(2026, 8, 28), title="Т", roadmaps=[first, second]
    )
    response = client_for(official).post(reverse("reports:order_sign", args=[order.pk]), follow=True)
    assert "утверждено дорожных карт: 2" in response.content.decode()
    for roadmap in (first, second):
        roadmap.refresh_from_db()
        assert (roadmap.status, roadmap.approval_order) == (Roadmap.Status.APPROVED, order)
        assert not roadmap.is_editable
    assert AuditEvent.objects.filter(action="approval").count() == 2


def test_signing_is_refused_whole_when_a_roadmap_is_not_on_approval(authority, methodist, official):
    ready = on_approval_roadmap(authority, methodist, "Готовая карта")
    draft_roadmap = services.roadmap_create(owner=authority, by=methodist, title="Черновик", **PERIOD)
    order = order_save(
        by=methodist,
        organization=authority,
        number="18",
        date=date(2026, 8, 28),
        title="Т",
        roadmaps=[ready, draft_roadmap],
    )
    with pytest.raises(RoadmapStateError, match="карта «Черновик» — «Черновик»"):
        services.order_sign(order=order, by=official)
    order.refresh_from_db()
    ready.refresh_from_db()
    assert order.status == Order.Status.DRAFT and ready.status == Roadmap.Status.ON_APPROVAL


def test_methodist_cannot_sign_an_order_that_approves_roadmaps(roadmap, authority, methodist, client_for):
    order = order_save(
        by=methodist, organization=authority, number="19", date=date(2026, 8, 28), title="Т", roadmaps=[roadmap]
    )
    with pytest.raises(PermissionDenied):
        services.order_sign(order=order, by=methodist)
    assert client_for(methodist).post(reverse("reports:order_sign", args=[order.pk])).status_code == 403
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.ON_APPROVAL


def test_an_order_without_roadmaps_is_signed_by_the_methodist(authority, methodist):
    order = order_save(by=methodist, organization=authority, number="20", date=date(2026, 8, 28), title="О кадрах")
    assert services.order_sign(order=order, by=methodist).status == Order.Status.SIGNED
    with pytest.raises(RoadmapStateError, match="уже отмечен подписанным"):
        services.order_sign(order=order, by=methodist)


def test_approving_without_a_signatory_names_what_is_missing(authority, methodist, official):
    roadmap = on_approval_roadmap(authority, methodist)
    Roadmap.objects.filter(pk=roadmap.pk).update(approver_name="")
    with pytest.raises(RoadmapStateError, match="Укажите, кто подписал приказ"):
        services.roadmap_approve(roadmap=roadmap, by=official, order_number="1", order_date=date(2026, 8, 28))
    assert not Order.objects.exists()


def test_approving_an_amendment_by_order_archives_the_approved_version(roadmap, methodist, official):
    services.roadmap_approve(roadmap=roadmap, by=official, order_number="1", order_date=date(2026, 8, 28))
    amendment = services.roadmap_amend(roadmap=roadmap, by=methodist)
    services.roadmap_submit(roadmap=amendment, by=methodist)
    services.roadmap_approve(roadmap=amendment, by=official, order_number="2", order_date=date(2026, 10, 1))
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.ARCHIVED and roadmap.approval_order.number == "1"
    assert Roadmap.objects.get(pk=amendment.pk).approval_order.number == "2"


def test_the_database_refuses_an_approved_roadmap_without_its_order(authority):
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadmap.objects.create(owner=authority, title="Без приказа", status=Roadmap.Status.APPROVED, **PERIOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(organization=authority, date=date(2026, 8, 28), title="Т", status=Order.Status.SIGNED)


def test_approve_form_offers_the_draft_order_and_its_fields(roadmap, authority, methodist, official, client_for):
    draft = order_save(
        by=methodist,
        organization=authority,
        number="21",
        date=date(2026, 8, 27),
        title="Т",
        roadmaps=[roadmap],
        signatory_name="И.И. Иванов",
    )
    page = client_for(official).get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert reverse("reports:order", args=[draft.pk]) in page
    assert 'value="21"' in page and 'value="2026-08-27"' in page and 'value="И.И. Иванов"' in page


@pytest.mark.parametrize(
    "action, data, said",
    [
        ("approve", {"order_number": "216-о", "order_date": "2026-08-29", "signatory_name": "В.Г. Мухин"}, "Утвердить можно только дорожную карту на утверждении"),
        ("return", {"comment": "Исправить сроки"}, "Вернуть на доработку можно только карту на утверждении"),
        ("submit", {}, "Отправить на утверждение можно только черновик"),
    ],
)  # fmt: skip
def test_an_approved_roadmap_says_why_it_cannot_be_approved_returned_or_sent_again(
    roadmap, official, client_for, action, data, said
):
    services.roadmap_approve(roadmap=roadmap, by=official, order_number="215-о", order_date=date(2026, 8, 28))
    client = client_for(official)
    response = client.post(reverse(f"roadmaps:{action}", args=[roadmap.pk]), data, follow=True)
    assert response.status_code == 200 and said in response.content.decode()
    roadmap.refresh_from_db()
    assert roadmap.status == Roadmap.Status.APPROVED and Order.objects.count() == 1
