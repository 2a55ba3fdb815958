"""The demo draft order (приказ) of the demo municipality: it will approve the municipality's roadmaps
still in preparation (whatever the roadmaps' demo loader created; the approved ones have their own
signed order already) and names the persons of seed 002's kind. Signing it approves them.

Idempotent: the order is found by its organisation and number and created only when missing.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from roadmaps.models import Order, Roadmap
from roadmaps.services import PersonInput, order_save
from schools.demo import MUNICIPALITY, REGION
from schools.models import Organization

DEMO_NUMBER = "158-демо"


@transaction.atomic
def load_demo_reports() -> dict[str, int]:
    authority = Organization.objects.filter(
        code="uo6401", municipality__name=MUNICIPALITY, municipality__region=REGION
    ).first()
    if authority is None or Order.objects.filter(organization=authority, number=DEMO_NUMBER).exists():
        return {"приказов": 0}
    from django.contrib.auth import get_user_model

    official = get_user_model().objects.filter(username="official").first()
    if official is None:  # the schools' demo loader creates the official; nothing to sign without one
        return {"приказов": 0}
    roadmaps = list(
        Roadmap.objects.filter(
            owner__municipality=authority.municipality, status__in=[Roadmap.Status.DRAFT, Roadmap.Status.ON_APPROVAL]
        ).order_by("code", "title")
    )
    order_save(
        by=official,
        organization=authority,
        number=DEMO_NUMBER,
        date=date(timezone.localdate().year, 8, 27),
        title="Об утверждении планов мероприятий («дорожных карт») развития механизмов управления качеством "
        "образования в Новоузенском муниципальном районе",
        basis="На основании приказа министерства образования Саратовской области, в целях формирования системного "
        "подхода к оценке качества образования и создания муниципальной системы оценки качества образования",
        place_phrase="в Новоузенском муниципальном районе",
        roadmaps=roadmaps,
        items=[
            "Руководителям подведомственных общеобразовательных организаций:\n"
            "- Принять участие в реализации мероприятий «дорожных карт».\n"
            "- Организовать корректировку внутренней системы оценки качества образования в срок до 10 сентября."
        ],
        responsible=[
            PersonInput(
                position="Методист управления образования",
                name="Кузнецова Елена Петровна",
                duty="провести мониторинг ВСОКО и подготовить справку с адресными рекомендациями",
            ),
            PersonInput(position="Директор МОУ «СОШ № 1 г. Новоузенска»", name="Иванов С.Н."),
        ],
        control=[PersonInput(position="Начальник управления образования", name="Т.В. Разуваева")],
        signatory_position="Начальник управления образования",
        signatory_name="Т.В. Разуваева",
    )
    return {"приказов": 1}


# What this app adds to `load_demo` (the command runs the apps in INSTALLED_APPS order).
DEMO = [load_demo_reports]
