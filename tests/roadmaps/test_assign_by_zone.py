"""A measure is assigned to the organisations of a zone (red or yellow) of an approved method."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from monitoring.models import Zone, ZoningMethod
from reports.testing import signed_order
from roadmaps import services
from roadmaps.models import Assignment, Direction, Section


def test_measure_is_assigned_to_the_red_schools_of_an_approved_method(
    client_for, authority, methodist, official, school_a, school_b, municipality
):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 8, 1), period_end=date(2027, 7, 31)
    )
    section = services.section_create(
        roadmap=roadmap, by=methodist, kind=Section.Kind.DIRECTION, direction=Direction.objects.get(code="1.2")
    )
    measure = services.measure_create(section=section, by=methodist, description="Выезд", deadline_text="Октябрь")
    method = ZoningMethod.objects.create(
        municipality=municipality,
        year=2026,
        title="Методика 2026",
        status=ZoningMethod.Status.APPROVED,
        approval_order=signed_order(organization=authority, number="15", date=date(2025, 9, 1)),
    )
    now = timezone.now()
    Zone.objects.create(method=method, organization=school_a, colour="red", computed_at=now)
    Zone.objects.create(method=method, organization=school_b, colour="green", computed_at=now)

    client = client_for(methodist)
    url = reverse("roadmaps:measure_assign", args=[measure.pk])
    page = client.get(url).content.decode()
    assert "Красная зона — Методика 2026 (2026): 1 орг." in page
    response = client.post(url, {"group": f"zone:{method.pk}:red"})
    assert response.status_code == 302
    assert list(Assignment.objects.filter(measure=measure).values_list("organization__code", flat=True)) == [
        school_a.code
    ]


def test_draft_methods_are_not_offered(client_for, authority, methodist, school_a, municipality):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 8, 1), period_end=date(2027, 7, 31)
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading="1. Меры")
    measure = services.measure_create(section=section, by=methodist, description="Выезд", deadline_text="Октябрь")
    method = ZoningMethod.objects.create(municipality=municipality, year=2026, title="Черновик методики")
    Zone.objects.create(method=method, organization=school_a, colour="red", computed_at=timezone.now())
    response = client_for(methodist).post(
        reverse("roadmaps:measure_assign", args=[measure.pk]), {"group": f"zone:{method.pk}:red"}
    )
    assert response.status_code == 200
    assert "Выберите" in response.content.decode() or "недопустимое" in response.content.decode().lower()
    assert not Assignment.objects.filter(measure=measure).exists()


def test_the_picker_groups_organisations_by_kind_zone_territory_and_settlement(
    client_for, authority, methodist, school_a, school_b, municipality
):
    school_a.address, school_a.is_rural = "Саратовская область, г. Новоузенск, ул. Ленина, 1", False
    school_a.save()
    school_b.address = "Саратовская область, с. Дюрметь, ул. Школьная, 1"
    school_b.save()
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 8, 1), period_end=date(2027, 7, 31)
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading="1. Меры")
    measure = services.measure_create(section=section, by=methodist, description="Выезд", deadline_text="Октябрь")
    method = ZoningMethod.objects.create(
        municipality=municipality,
        year=2026,
        title="Методика 2026",
        status=ZoningMethod.Status.APPROVED,
        approval_order=signed_order(organization=authority, number="15", date=date(2025, 9, 1)),
    )
    Zone.objects.create(method=method, organization=school_b, colour="red", computed_at=timezone.now())

    response = client_for(methodist).get(reverse("roadmaps:measure_assign", args=[measure.pk]))
    picker = response.context["picker"]
    headings = {heading: {group.label: group.key for group in groups} for heading, groups in picker.headings}
    assert set(headings) == {"Тип", "Зона", "Территория", "Населённый пункт"}
    assert set(headings["Населённый пункт"]) == {"г. Новоузенск", "с. Дюрметь"}
    keys = {organization.code: keys.split() for organization, keys in picker.rows}
    red = headings["Зона"]["Красная зона — Методика 2026 (2026): 1 орг."]
    assert red in keys[school_b.code] and red not in keys[school_a.code]
    assert headings["Территория"]["Сельские"] in keys[school_b.code]
    assert headings["Территория"]["Городские"] in keys[school_a.code]
    assert headings["Населённый пункт"]["с. Дюрметь"] in keys[school_b.code]
    page = response.content.decode()
    assert f'data-picker-group="{red}"' in page


def test_a_settlement_is_read_from_the_address():
    from schools.models import Organization

    def place(address: str) -> str:
        return Organization(address=address).settlement

    assert place("Саратовская область, г. Новоузенск, ул. Ленина, 1") == "г. Новоузенск"
    assert place("с. Дюрметь, ул. Школьная, 1") == "с. Дюрметь"
    assert place("Краснодарский край, ст-ца Каневская, ул. Горького, 3") == "ст-ца Каневская"
    assert place("ул. Школьная, 1") == ""
    assert place("") == ""
