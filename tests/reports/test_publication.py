"""The open page (issue 21 part 6): an official publishes and withdraws documents, a zoning's
summary and a year's indicator values; anonymous visitors see only what is published, no person's
name and no school value computed over a small group."""

import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring.models import IndicatorDefinition, IndicatorValue, TargetedMeasure, Zone, ZoningMethod, ZoningRule
from monitoring.recommendations.services import recommendation_create, recommendation_decide, recommendation_report
from reports.models import Publication, ReportFile
from reports.publication import services
from reports.publication.selectors import MIN_GROUP
from reports.services import document_render
from reports.spravka.services import spravka_approve, spravka_conclusions_save, spravka_generate
from reports.testing import build_roadmap, flat, pdf_pages, results_for_spravka, signed_order
from roadmaps.models import Order, Roadmap

Kind = ReportFile.Kind


@pytest.fixture
def published(municipality, authority, official, school_a, school_b):
    """An approved roadmap's PDF, a draft's PDF (never published), a zoning and a year's values."""
    approved = build_roadmap(authority, sections=1, measures=2, title="План по объективности оценивания")
    draft = build_roadmap(authority, sections=1, measures=1, status=Roadmap.Status.DRAFT, title="Черновой план")
    approved_pdf = document_render(kind=Kind.ROADMAP_PDF, roadmap=approved, by=official)
    draft_pdf = document_render(kind=Kind.ROADMAP_PDF, roadmap=draft, by=official)
    method = ZoningMethod.objects.create(
        municipality=municipality, year=2026, title="Методика 2026", status=ZoningMethod.Status.APPROVED,
        computed_at=timezone.now(), approval_order=signed_order(organization=authority, number="9", date=date(2025, 9, 1)),
    )  # fmt: skip
    Zone.objects.create(method=method, organization=school_a, colour="red", computed_at=timezone.now())
    Zone.objects.create(method=method, organization=school_b, colour="green", computed_at=timezone.now())
    share = IndicatorDefinition.objects.create(code="t_share", name="Доля «2» (тест)", level="school", unit="%")
    values = {
        "municipality": IndicatorValue.objects.create(
            indicator=share, year=2026, municipality=municipality, numerator=3, denominator=60, value=5.0
        ),
        "big": IndicatorValue.objects.create(
            indicator=share, year=2026, municipality=municipality, organization=school_a, numerator=2,
            denominator=40, value=5.0,
        ),
        "small": IndicatorValue.objects.create(
            indicator=share, year=2026, municipality=municipality, organization=school_b, numerator=1,
            denominator=MIN_GROUP - 7, value=33.33,
        ),
        "other_year": IndicatorValue.objects.create(
            indicator=share, year=2025, municipality=municipality, organization=school_a, numerator=7,
            denominator=70, value=10.0,
        ),
    }  # fmt: skip
    return {
        "approved": approved, "approved_pdf": approved_pdf, "draft_pdf": draft_pdf, "method": method, "share": share,
        **values,
    }  # fmt: skip


def targeted_from_zones(published, schools, *, after: dict) -> None:
    """A measure of the approved roadmap targeted from the method's zones at `schools`, the method
    ruling on the share, with each school's value a year after: {school: (value, participants)}."""
    method = published["method"]
    ZoningRule.objects.create(method=method, indicator=published["share"], ranges=[])
    targeted = TargetedMeasure.objects.create(
        measure=published["approved"].sections.first().measures.first(), zoning_method=method
    )
    targeted.organizations.set(schools)
    for school, (value, size) in after.items():
        IndicatorValue.objects.create(
            indicator=published["share"], year=method.year + 1, municipality=method.municipality,
            organization=school, numerator=round(value * size / 100), denominator=size, value=value,
        )  # fmt: skip


def test_an_official_publishes_and_anonymous_visitors_read_it(client, official, municipality, published):
    publication = services.publication_of_file(report=published["approved_pdf"], by=official)
    page = client.get(reverse("public:municipality", args=[municipality.pk])).content.decode()
    assert "Дорожная карта: План по объективности оценивания" in page
    response = client.get(reverse("public:file", args=[publication.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert municipality.name in client.get(reverse("public:index")).content.decode()
    assert "План по объективности оценивания" in client.get(reverse("public:feed")).content.decode()

    services.publication_withdraw(publication=publication, by=official)
    assert client.get(reverse("public:file", args=[publication.pk])).status_code == 404
    assert client.get(reverse("public:municipality", args=[municipality.pk])).status_code == 404  # nothing left
    assert "План по объективности" not in client.get(reverse("public:feed")).content.decode()


def test_publishing_again_replaces_the_earlier_version(official, published):
    first = services.publication_of_file(report=published["approved_pdf"], by=official)
    second = services.publication_of_file(report=published["approved_pdf"], by=official)
    first.refresh_from_db()
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert Publication.objects.public().count() == 1


def test_a_draft_is_not_published_and_only_an_official_publishes(official, methodist, published):
    with pytest.raises(ValidationError, match="только утверждённая"):
        services.publication_of_file(report=published["draft_pdf"], by=official)
    with pytest.raises(PermissionDenied):
        services.publication_of_file(report=published["approved_pdf"], by=methodist)
    assert not Publication.objects.exists()


def test_an_effectiveness_analysis_with_a_small_group_is_refused_naming_the_school(
    official, published, school_a, school_b
):
    targeted_from_zones(published, [school_a, school_b], after={school_a: (2.2, 45), school_b: (0.0, 4)})
    report = document_render(kind=Kind.EFFECTIVENESS_PDF, method=published["method"], by=official)
    with pytest.raises(ValidationError) as refused:
        services.publication_of_file(report=report, by=official)
    message = refused.value.messages[0]
    assert "меньше 10 человек" in message and "«СОШ с. Дюрметь» (3), «СОШ с. Дюрметь» (4)" in message
    assert "СОШ № 1" not in message  # 40 and 45 participants: not a small group
    assert not Publication.objects.exists()


def test_an_effectiveness_analysis_of_large_groups_is_published(official, published, school_a):
    targeted_from_zones(published, [school_a], after={school_a: (2.2, 45)})
    report = document_render(kind=Kind.EFFECTIVENESS_PDF, method=published["method"], by=official)
    publication = services.publication_of_file(report=report, by=official)
    assert publication.title == "Анализ эффективности принятых мер (методика «Методика 2026», 2026)"


def test_a_recommendation_naming_a_person_is_not_published(official, methodist, municipality, school_a, school_b):
    from tests.conftest import make_user

    director = make_user("petrov", school_a, "director", last_name="Петров", first_name="Иван")
    recommendation = recommendation_create(
        municipality=municipality, by=methodist, organizations=[school_a, school_b],
        text="Провести педагогический совет по итогам ВПР.",
    )  # fmt: skip
    answer = recommendation.addressees.get(organization=school_a)
    recommendation_report(addressee=answer, by=director, report="Педсовет проведён, протокол № 3")
    recommendation_decide(
        addressee=answer, by=methodist, decision="partly", comment="Директору Петрову И.И. представить протокол"
    )
    report = document_render(kind=Kind.RECOMMENDATION_PDF, recommendation=recommendation, by=methodist)
    with pytest.raises(ValidationError, match="названы люди — Петров"):
        services.publication_of_file(report=report, by=official)


def test_the_zoning_summary_is_counts_by_zone(client, official, municipality, published):
    services.publication_of_zoning(method=published["method"], by=official)
    page = client.get(reverse("public:municipality", args=[municipality.pk])).content.decode()
    assert "Организаций по зонам: зелёная — 1; красная — 1." in page


def test_indicator_values_hide_small_groups_and_unpublished_years(client, official, municipality, published):
    services.publication_of_indicators(municipality=municipality, year=2026, by=official)
    data = json.loads(client.get(reverse("public:values", args=[municipality.pk, "json"])).content)
    rows = {(row["Код ОО"], row["Учебный год"]): row for row in data["values"]}
    assert set(rows) == {("", "2025/2026"), ("sch000101", "2025/2026")}
    assert rows[("sch000101", "2025/2026")]["Знаменатель"] == 40
    csv = client.get(reverse("public:values", args=[municipality.pk, "csv"])).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Учебный год;Код ОО;Организация;Показатель")
    assert "sch000102" not in csv and "33,33" not in csv and "33.33" not in csv
    with pytest.raises(ValidationError, match="не рассчитаны"):
        services.publication_of_indicators(municipality=municipality, year=2019, by=official)


def test_the_public_part_shows_nothing_unpublished_no_names_no_small_groups(
    client, official, methodist, municipality, authority, school_a, school_b, published, other_municipality
):
    """Every kind of document is published beside one of its kind that is not; the crawl reads the
    pages, the feed, the exports and every PDF's text. The only names allowed are those of the
    officials acting in office on the document itself: the order's signatory, the справка's compiler
    and approver (and the roadmap's approver)."""
    from tests.conftest import make_user

    director = make_user("petrov", school_a, "director", last_name="Петров", first_name="Иван")
    deputy = make_user("sidorova", school_b, "director", last_name="Сидорова", first_name="Анна")
    # a справка on ВПР of three schools of 12 (approved) and last year's (a draft, never published)
    assessment, previous, _ = results_for_spravka(municipality, schools=3, per_school=12)
    spravka = spravka_generate(by=methodist, municipality=municipality, assessment=assessment)
    spravka_conclusions_save(report=spravka, by=methodist, conclusions="Провести методические семинары.")
    spravka = spravka_approve(report=spravka, by=official)
    draft_spravka = spravka_generate(by=methodist, municipality=municipality, assessment=previous)
    # a signed order, and a draft order
    order = signed_order(organization=authority, number="31", date=date(2026, 9, 5), title="Об итогах мониторинга")
    draft_order = Order.objects.create(
        organization=authority, date=date(2026, 9, 6), title="О проекте, который не подписан"
    )
    # a recommendation a director answered, and one never published
    recommendation = recommendation_create(
        municipality=municipality, by=methodist, organizations=[school_a, school_b],
        text="Провести педагогический совет по итогам ВПР.",
    )  # fmt: skip
    answer = recommendation.addressees.get(organization=school_a)
    recommendation_report(addressee=answer, by=director, report="Педсовет проведён, протокол № 3")
    recommendation_decide(addressee=answer, by=methodist, decision="done", comment="Протокол представлен")
    quiet = recommendation_create(
        municipality=municipality, by=methodist, organizations=[school_b], text="Рекомендация, которую не публиковали."
    )
    # an effectiveness analysis of the measure targeted at school A (40 and 45 participants)
    targeted_from_zones(published, [school_a], after={school_a: (2.2, 45)})
    IndicatorValue.objects.create(
        indicator=published["share"], year=2027, municipality=municipality, organization=school_b, numerator=1,
        denominator=MIN_GROUP - 6, value=25.0,
    )  # fmt: skip

    def render(kind, **source):
        return document_render(kind=kind, by=official, **source)

    for report in (
        published["approved_pdf"],
        render(Kind.SPRAVKA_PDF, spravka=spravka),
        render(Kind.ORDER_PDF, order=order),
        render(Kind.RECOMMENDATION_PDF, recommendation=recommendation),
        render(Kind.EFFECTIVENESS_PDF, method=published["method"]),
    ):
        services.publication_of_file(report=report, by=official)
    for kind, source in ((Kind.SPRAVKA_PDF, {"spravka": draft_spravka}), (Kind.ORDER_PDF, {"order": draft_order}),
                         (Kind.RECOMMENDATION_PDF, {"recommendation": quiet})):  # fmt: skip
        render(kind, **source)  # kept, never published
    services.publication_of_zoning(method=published["method"], by=official)
    services.publication_of_indicators(municipality=municipality, year=2026, by=official)

    users = list(get_user_model().objects.all())
    assert {director, deputy, methodist, official} <= set(users)
    seen, queue, texts, pdfs = set(), [reverse("public:index")], [], {}
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if response.get("Content-Type", "").startswith("application/pdf"):
            text = flat(" ".join(pdf_pages(b"".join(response.streaming_content))))
            publication = Publication.objects.get(pk=int(url.rstrip("/").rsplit("/", 1)[1]))
            pdfs[publication.file.kind] = text
            texts.append((url, text, _officials_in_office(publication), publication.file.kind))
            continue
        text = response.content.decode("utf-8-sig")
        texts.append((url, text, set(), ""))  # pages, the feed and the exports name nobody
        queue += [link for link in re.findall(r'href="(/public/[^"#]*)', text) if link not in seen]
    assert set(pdfs) == {Kind.ROADMAP_PDF, Kind.SPRAVKA_PDF, Kind.ORDER_PDF, Kind.RECOMMENDATION_PDF,
                         Kind.EFFECTIVENESS_PDF}  # fmt: skip
    assert "Провести методические семинары" in pdfs[Kind.SPRAVKA_PDF]
    assert "Провести педагогический совет" in pdfs[Kind.RECOMMENDATION_PDF]
    assert "Об итогах мониторинга" in pdfs[Kind.ORDER_PDF] and "СОШ № 1" in pdfs[Kind.EFFECTIVENESS_PDF]
    assert "5,0 (2026)" in pdfs[Kind.EFFECTIVENESS_PDF] and "2,2 (2027)" in pdfs[Kind.EFFECTIVENESS_PDF]
    unpublished = ["Черновой план", "О проекте, который не подписан", "Рекомендация, которую не публиковали",
                   flat(draft_spravka.title)]  # fmt: skip
    for url, text, allowed, kind in texts:
        for title in unpublished:
            assert title not in text, (url, title)
        assert other_municipality.name not in text, url
        assert not re.search(r"202[34]-sp", text), url  # no pupil's code, even pseudonymous
        # school B's values are over 3 and 4 participants: no document shows them, and only the
        # recommendation addressed to it names the school (with its execution, no value)
        assert "33,33" not in text and "33.33" not in text, url
        if kind != Kind.RECOMMENDATION_PDF:
            assert school_b.short_name not in text, url
        for user in users:
            assert not re.search(rf"\b{re.escape(user.username)}\b", text), (url, user.username)
            if user.last_name and user.last_name not in allowed:
                assert user.last_name not in text and user.last_name[:-1] not in text, (url, user.last_name)
    assert "Разуваева" in pdfs[Kind.ORDER_PDF] and "Кузнецова" in pdfs[Kind.SPRAVKA_PDF]  # in office, allowed


def _officials_in_office(publication) -> set[str]:
    """The surnames a published document may name: the officials who sign, approve or compose it."""
    report = publication.file
    names = []
    if report.spravka_id:
        names += [report.spravka.created_by.last_name, report.spravka.approved_by.last_name]
    if report.order_id:
        names.append(report.order.signatory_name)
    if report.roadmap_id:
        names.append(report.roadmap.approver_name)
    return {max(re.findall(r"\w{2,}", name), key=len) for name in names if name}


def test_staff_pages_of_publishing(client_for, official, methodist, director_a, municipality, published):
    response = client_for(official).post(
        reverse("reports:publish_file", args=[published["approved_pdf"].pk]), {"next": "//evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("reports:publications")
    publication = Publication.objects.get()
    page = client_for(methodist).get(reverse("reports:publications")).content.decode()
    assert "План по объективности оценивания" in page and "Снять с публикации" not in page
    assert client_for(methodist).post(reverse("reports:withdraw", args=[publication.pk])).status_code == 403
    assert client_for(director_a).get(reverse("reports:publications")).status_code == 403
    client_for(official).post(reverse("reports:withdraw", args=[publication.pk]))
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None and publication.withdrawn_by == official


def test_a_municipality_that_is_not_a_number_is_the_persons_own(client_for, official, municipality):
    response = client_for(official).get(reverse("reports:publications") + "?municipality=abc")
    assert response.status_code == 200 and municipality.name in response.content.decode()
    response = client_for(official).post(reverse("reports:publish_indicators"), {"municipality": "x", "year": "y"})
    assert response.status_code == 302
