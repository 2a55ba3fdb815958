"""The order on the results of monitoring and zoning (issue 21 part 2): drafted from an approved
method's zones beside last year's, its conclusions and the recommendations and measures made from
the zones; printed with «П Р И К А З», signature and the zones as its appendix, in PDF and Word."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from monitoring.models import Recommendation, TargetedMeasure, Zone, ZoningMethod
from reports.pdf import render_order_pdf
from reports.services import zoning_order_draft
from reports.testing import build_roadmap, flat, pdf_pages, signed_order
from reports.word import order_docx_bytes
from roadmaps.models import Order
from roadmaps.services import RoadmapStateError, order_sign
from tests.conftest import make_organization

# organisation code → (zone last year, zone now)
ZONES = {
    "sch000201": ("red", "yellow"),
    "sch000202": ("red", "red"),
    "sch000203": ("red", "green"),
    "sch000204": ("yellow", "red"),
    "sch000205": ("green", "green"),
    "sch000206": ("", "no_data"),
}


def approved_method(municipality, authority, year: int, number: str) -> ZoningMethod:
    return ZoningMethod.objects.create(
        municipality=municipality,
        year=year,
        title=f"Методика {year}",
        status=ZoningMethod.Status.APPROVED,
        computed_at=timezone.now(),
        approval_order=signed_order(organization=authority, number=number, date=date(year - 1, 9, 1)),
    )


@pytest.fixture
def zoning(municipality, authority, methodist):
    authority.head_name, authority.head_position = "Разуваева Т.В.", "Начальник управления образования"
    authority.save()
    before = approved_method(municipality, authority, 2025, "10")
    now = approved_method(municipality, authority, 2026, "11")
    schools = {}
    for code, (last, current) in ZONES.items():
        schools[code] = make_organization(municipality, code, f"СОШ {code[-1]}")
        if last:
            Zone.objects.create(method=before, organization=schools[code], colour=last, computed_at=timezone.now())
        Zone.objects.create(method=now, organization=schools[code], colour=current, computed_at=timezone.now())
    recommendation = Recommendation.objects.create(
        municipality=municipality,
        text="Провести поэлементный анализ ВПР",
        group=Recommendation.Group.RISK_SCHOOLS,
        due_date=date(2026, 12, 20),
        zoning_method=now,
        created_by=methodist,
    )
    recommendation.organizations.set([schools["sch000202"], schools["sch000204"]])
    roadmap = build_roadmap(authority, sections=1, measures=1)
    targeted = TargetedMeasure.objects.create(measure=roadmap.sections.first().measures.first(), zoning_method=now)
    targeted.organizations.set([schools["sch000202"], schools["sch000204"]])
    return now, schools


def test_the_items_state_the_zones_the_movements_and_the_verdict_by_plain_counts(methodist, zoning):
    method, _ = zoning
    order = zoning_order_draft(method=method, by=methodist)
    items = [item.text for item in order.items.order_by("position")]
    now = [current for _, current in ZONES.values()]
    last = [previous for previous, _ in ZONES.values()]
    assert items[0].startswith("Утвердить итоги мониторинга и зонирования образовательных организаций за 2025/2026")
    assert items[0].endswith("(приложение 1 к настоящему приказу).")
    assert items[1] == (
        f"Отнести к красной зоне {now.count('red')} организации, к жёлтой зоне — {now.count('yellow')}, "
        f"к зелёной зоне — {now.count('green')}; данных недостаточно для отнесения к зоне у {now.count('no_data')} "
        f"(в 2024/2025 учебном году: красная зона — {last.count('red')}, жёлтая — {last.count('yellow')}, "
        f"зелёная — {last.count('green')})."
    )
    # better: red→yellow, red→green; worse: yellow→red; same: red→red, green→green
    assert "улучшили положение — 2, ухудшили — 1, без изменений — 2." in items[2]
    # two of three red schools of last year left the red zone: 2/3 ≥ 50 %
    assert items[3] == (
        "Признать меры, принятые в отношении организаций красной зоны 2024/2025 учебного года, эффективными: "
        "из 3 таких организаций вышли из красной зоны 2."
    )
    assert items[4] == (
        "Школам зоны риска: Провести поэлементный анализ ВПР. Отчёт об исполнении представить до 20.12.2026."
    )
    assert items[5].startswith("Обеспечить выполнение адресных мероприятий") and "(2 организации)" in items[5]
    assert order.signatory_name == "Разуваева Т.В." and order.persons.get().name == "Разуваева Т.В."
    method.refresh_from_db()
    assert method.results_order == order


def test_the_pdf_prints_the_order_and_the_zones_as_its_appendix(methodist, zoning):
    method, schools = zoning
    order = zoning_order_draft(method=method, by=methodist)
    text = flat(" ".join(pdf_pages(render_order_pdf(order))))
    assert "П Р И К А З" in text and "п р и к а з ы в а ю:" in text
    assert "Приложение 1 к приказу управления образования" in text
    assert "Контроль за исполнением настоящего приказа оставить за начальником управления образования" in text
    assert f"1. {schools['sch000202'].short_name} sch000202 Красная Красная без изменений" in text
    assert f"{schools['sch000204'].short_name} sch000204 Красная Жёлтая ухудшение" in text
    assert f"{schools['sch000206'].short_name} sch000206 Недостаточно данных — —" in text


def test_the_word_file_has_the_same_items_and_zones(methodist, zoning):
    method, _ = zoning
    order = zoning_order_draft(method=method, by=methodist)
    word = Document(io.BytesIO(order_docx_bytes(order)))
    texts = [" ".join(p.text.replace("\u00a0", " ").split()) for p in word.paragraphs]
    assert "П Р И К А З" in texts
    assert any(t.startswith("2. Отнести к красной зоне 2 организации") for t in texts)
    [table] = word.tables
    assert len(table.rows) == 1 + len(ZONES)
    assert [c.text for c in table.rows[1].cells][3:] == ["Красная", "Красная", "без изменений"]


def test_redrafting_replaces_an_unsigned_order_and_a_signed_one_is_left_alone(methodist, official, zoning):
    method, schools = zoning
    first = zoning_order_draft(method=method, by=methodist)
    orders = Order.objects.count()
    Zone.objects.filter(method=method, organization=schools["sch000202"]).update(colour="yellow")
    again = zoning_order_draft(method=method, by=methodist)
    assert again.pk == first.pk and Order.objects.count() == orders
    assert again.items.order_by("position")[1].text.startswith("Отнести к красной зоне 1 организацию")
    Order.objects.filter(pk=again.pk).update(number="215")
    again.refresh_from_db()
    order_sign(order=again, by=official)
    with pytest.raises(RoadmapStateError, match="уже подписан"):
        zoning_order_draft(method=method, by=methodist)


def test_only_the_municipality_staff_draft_it_and_only_from_an_approved_computed_method(
    client_for, methodist, director_a, viewer, zoning, municipality
):
    method, _ = zoning
    url = reverse("reports:zoning_order", args=[method.pk])
    assert client_for(director_a).post(url).status_code == 403
    assert client_for(viewer).post(url).status_code == 403
    response = client_for(methodist).post(url)
    method.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("reports:order", args=[method.results_order_id])
    draft = ZoningMethod.objects.create(municipality=municipality, year=2027, title="Черновик")
    response = client_for(methodist).post(reverse("reports:zoning_order", args=[draft.pk]), follow=True)
    assert "по утверждённой методике с рассчитанными зонами" in response.content.decode()
