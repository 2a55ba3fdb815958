"""Who sees which analysis page: methodist, official, director of school A, director of school B,
viewer, anonymous. Invisible objects 404, forbidden actions 403."""

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from monitoring.analysis.services import (
    campaign_create,
    example_method_load,
    indicators_load,
    method_approve,
    targeted_measure_create,
)
from monitoring.indicators import indicators_compute
from monitoring.zoning import zones_compute
from roadmaps.models import Assignment, Order, Roadmap, Section

spec = importlib.util.spec_from_file_location("analysis_fixtures", Path(__file__).with_name("analysis_fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


@pytest.fixture
def world(
    municipality, authority, school_a, school_b, other_school, methodist, official, director_a, director_b, viewer
):
    indicators_load()
    fixtures.build_results(school_a, school_b)
    indicators_compute(year=2024)
    method = example_method_load(municipality=municipality, year=2024)
    method_approve(method=method, by=official, order_number="15-о", order_date=date(2024, 9, 1))
    zones_compute(method=method)
    roadmap = Roadmap.objects.create(
        owner=authority, title="План мероприятий 2024/2025", period_start=date(2024, 9, 1), period_end=date(2025, 8, 31)
    )
    section = Section.objects.create(roadmap=roadmap, kind=Section.Kind.HEADING, heading="Адресная работа")
    targeted_measure_create(
        section=section, organizations=[school_a], by=methodist, description="Методический десант в школу",
        deadline_text="", source_method=method,
    )  # fmt: skip
    from monitoring.models import IndicatorDefinition

    campaign = campaign_create(
        municipality=municipality, by=methodist, title="Сбор 2024", year=2024, period_start=date(2023, 9, 1),
        period_end=date(2024, 8, 31), deadline=date(2024, 6, 1),
        indicators=IndicatorDefinition.objects.filter(code="teachers_diagnosed"), organizations=[school_a],
    )  # fmt: skip
    return {"method": method, "section": section, "campaign": campaign}


def pages(world, school_a, school_b):
    method, campaign = world["method"], world["campaign"]
    return {
        "overview": reverse("monitoring:overview"),
        "card_a": reverse("monitoring:organization", args=[school_a.pk]),
        "card_b": reverse("monitoring:organization", args=[school_b.pk]),
        "objectivity": reverse("monitoring:objectivity"),
        "effectiveness": reverse("monitoring:effectiveness"),
        "indicators": reverse("monitoring:indicators"),
        "methods": reverse("monitoring:methods"),
        "method": reverse("monitoring:method", args=[method.pk]),
        "zones_xlsx": reverse("monitoring:zones_export", args=[method.pk, "xlsx"]),
        "zones_csv": reverse("monitoring:zones_export", args=[method.pk, "csv"]),
        "values_csv": reverse("monitoring:values_export", args=["csv"]) + "?year=2024",
        "values_xlsx": reverse("monitoring:values_export", args=["xlsx"]) + "?year=2024",
        "campaigns": reverse("monitoring:campaigns"),
        "campaign": reverse("monitoring:campaign", args=[campaign.pk]),
    }


ALL_OK = dict.fromkeys(
    ["overview", "card_a", "card_b", "objectivity", "effectiveness", "indicators", "methods", "method",
     "zones_xlsx", "zones_csv", "values_csv", "values_xlsx", "campaigns", "campaign"], 200,
)  # fmt: skip
EXPECTED = {
    "methodist": ALL_OK,
    "official": ALL_OK,
    "viewer": ALL_OK,
    "director_a": {
        **ALL_OK,
        "overview": 302,
        "card_b": 404,
        "effectiveness": 403,
        "methods": 403,
        "method": 403,
        "zones_xlsx": 403,
        "zones_csv": 403,
    },  # fmt: skip
    "director_b": {
        **ALL_OK,
        "overview": 302,
        "card_a": 404,
        "effectiveness": 403,
        "methods": 403,
        "method": 403,
        "zones_xlsx": 403,
        "zones_csv": 403,
        "campaign": 404,
    },  # fmt: skip
}


@pytest.mark.parametrize("role", ["methodist", "official", "viewer", "director_a", "director_b"])
def test_every_page_for_each_role(role, world, school_a, school_b, client_for, request):
    client = client_for(request.getfixturevalue(role))
    for name, url in pages(world, school_a, school_b).items():
        assert client.get(url).status_code == EXPECTED[role][name], f"{role} → {name}"


def test_anonymous_is_sent_to_login(world, school_a, school_b, client_for):
    client = client_for(None)
    for name, url in pages(world, school_a, school_b).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_director_overview_leads_to_own_card(world, director_a, school_a, client_for):
    response = client_for(director_a).get(reverse("monitoring:overview"))
    assert response["Location"] == reverse("monitoring:organization", args=[school_a.pk])


def test_director_card_shows_measure_and_municipality_values(world, director_a, school_a, client_for):
    page = client_for(director_a).get(reverse("monitoring:organization", args=[school_a.pk])).content.decode()
    assert "Методический десант в школу" in page
    assert "21,4" in page  # the municipality's pooled ВПР «2» share: 3 / 14


def test_director_export_has_only_own_and_municipality_rows(world, director_a, client_for):
    content = client_for(director_a).get(reverse("monitoring:values_export", args=["csv"]) + "?year=2024").content
    codes = {line.split(";")[0] for line in content.decode("utf-8-sig").splitlines()[1:]}
    assert codes == {"sch000101", ""}


def test_director_objectivity_shows_only_own_school(world, director_a, client_for):
    page = client_for(director_a).get(reverse("monitoring:objectivity")).content.decode()
    assert "СОШ № 1" in page and "Дюрметь" not in page


@pytest.mark.parametrize(
    ("role", "status"), [("methodist", 302), ("official", 302), ("director_a", 403), ("viewer", 403)]
)
def test_compute_zones_allowed_to_staff_only(role, status, world, client_for, request):
    client = client_for(request.getfixturevalue(role))
    response = client.post(reverse("monitoring:method_compute", args=[world["method"].pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("methodist", 302), ("director_a", 403), ("viewer", 403)])
def test_compute_indicators_allowed_to_staff_only(role, status, world, client_for, request):
    response = client_for(request.getfixturevalue(role)).post(reverse("monitoring:compute_indicators"), {"year": 2024})
    assert response.status_code == status


def test_approve_only_by_official(world, municipality, methodist, official, client_for):
    from monitoring.analysis.services import method_create

    draft = method_create(municipality=municipality, by=methodist, year=2025, title="Черновик")
    from monitoring.analysis.services import rule_add
    from monitoring.models import IndicatorDefinition

    rule_add(
        method=draft,
        by=methodist,
        indicator=IndicatorDefinition.objects.get(code="vpr_share_2"),
        ranges_text="зелёная [0; 50), красная [50; 100]",
    )
    url = reverse("monitoring:method_approve", args=[draft.pk])
    data = {"order_number": "1", "order_date": "2025-09-01"}
    assert client_for(methodist).post(url, data).status_code == 403
    assert client_for(official).post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"


@pytest.mark.parametrize(("role", "status"), [("director_a", 403), ("viewer", 403)])
def test_target_forbidden_to_non_staff(role, status, world, school_a, client_for, request):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("monitoring:target"),
        {"organizations": [school_a.pk], "make_measure": "on", "section": world["section"].pk, "description": "X"},
    )
    assert response.status_code == status


def test_methodist_targets_red_schools_and_director_sees_measure(
    world, school_a, school_b, methodist, director_b, client_for
):
    response = client_for(methodist).post(
        reverse("monitoring:target"),
        {
            "organizations": [school_b.pk], "method": world["method"].pk, "zone_colour": "red", "make_measure": "on",
            "section": world["section"].pk, "description": "Консультации по объективности", "deadline_text": "до 20 декабря 2024 года",
            "make_recommendation": "on", "text": "Провести анализ результатов",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assignment = Assignment.objects.get(measure__description="Консультации по объективности")
    assert assignment.organization == school_b and assignment.due_date == date(2024, 12, 20)
    assert assignment.measure.targeting.zoning_method == world["method"]
    page = client_for(director_b).get(reverse("monitoring:organization", args=[school_b.pk])).content.decode()
    assert "Консультации по объективности" in page and "Провести анализ результатов" in page


def test_measure_refused_in_approved_roadmap(world, school_a, methodist):
    from roadmaps.services import RoadmapStateError

    roadmap = world["section"].roadmap
    roadmap.status = Roadmap.Status.APPROVED
    roadmap.approval_order = Order.objects.create(
        organization=roadmap.owner, number="1", date=date(2024, 9, 1), title="Об утверждении", status="signed"
    )
    roadmap.save()
    with pytest.raises(RoadmapStateError, match="изменять можно только черновик"):
        targeted_measure_create(section=world["section"], organizations=[school_a], by=methodist, description="X")


def test_overview_query_count_does_not_grow_with_organizations(
    world, municipality, methodist, client_for, django_assert_max_num_queries, settings
):
    from tests.conftest import make_organization

    settings.FRAGMENT_CACHE_SECONDS = 0  # the zones computed every time (the cached path: test_fragments)
    client = client_for(methodist)
    url = reverse("monitoring:overview") + f"?method={world['method'].pk}"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(5):
        make_organization(municipality, f"sch77{number}", f"СОШ {number}")
    zones_compute(method=world["method"])
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_methodist_edits_draft_and_gets_range_error_on_page(world, municipality, methodist, client_for):
    from monitoring.analysis.services import method_create

    draft = method_create(municipality=municipality, by=methodist, year=2025, title="Черновик")
    client = client_for(methodist)
    url = reverse("monitoring:method", args=[draft.pk])
    data = {"action": "method", "title": "Методика 2025", "year": 2025, "combine": "weighted", "minimum_participants": 3,
            "green_score_min": 1.5, "yellow_score_min": 0.75, "red_rules_for_red": 2}  # fmt: skip
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.combine) == ("Методика 2025", "weighted")
    from monitoring.models import IndicatorDefinition

    indicator = IndicatorDefinition.objects.get(code="vpr_share_2")
    page = client.post(
        url, {"indicator": indicator.pk, "weight": 1, "ranges_text": "зелёная [0; 10), красная [12; 100]"}
    ).content.decode()
    assert "Разрыв: значения от 10 до 12" in page
    assert draft.rules.count() == 0


def test_approved_method_page_has_no_edit_forms(world, methodist, client_for):
    page = client_for(methodist).get(reverse("monitoring:method", args=[world["method"].pk])).content.decode()
    assert "Добавить правило" not in page and "Изменить параметры" not in page


def test_compute_indicators_runs_as_a_job(world, methodist, client_for, django_capture_on_commit_callbacks):
    from config.jobs.models import Job
    from monitoring.models import IndicatorValue

    IndicatorValue.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client_for(methodist).post(reverse("monitoring:compute_indicators"), {"year": 2024})
    job = Job.objects.get(kind="indicators_compute")  # run eagerly once the request's transaction commits
    assert with_commit["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.progress_done == 5
    assert IndicatorValue.objects.filter(year=2024).exists()


def test_director_submits_reported_values_through_the_form(world, director_a, client_for):
    from monitoring.models import ReportedValue

    campaign = world["campaign"]
    indicator = campaign.indicators.get()
    url = reverse("monitoring:campaign", args=[campaign.pk])
    client = client_for(director_a)
    prefix = f"o{campaign.organizations.get().pk}"
    page = client.post(
        url,
        {
            "organization": campaign.organizations.get().pk,
            f"{prefix}-num_{indicator.pk}": 12,
            f"{prefix}-den_{indicator.pk}": 10,
        },
    ).content.decode()
    assert "числитель 12 больше знаменателя 10" in page
    assert not ReportedValue.objects.exists()
    response = client.post(
        url,
        {
            "organization": campaign.organizations.get().pk,
            f"{prefix}-num_{indicator.pk}": 3,
            f"{prefix}-den_{indicator.pk}": 10,
        },
    )
    assert response.status_code == 302
    assert ReportedValue.objects.get().numerator == 3


def test_director_of_school_outside_campaign_cannot_post(world, director_b, client_for):
    response = client_for(director_b).post(
        reverse("monitoring:campaign", args=[world["campaign"].pk]), {"organization": 1}
    )
    assert response.status_code == 404


def test_viewer_switches_municipality(world, other_municipality, viewer, client_for):
    page = (
        client_for(viewer)
        .get(reverse("monitoring:overview") + f"?municipality={other_municipality.pk}&method={world['method'].pk}")
        .content.decode()
    )
    assert "Мониторинг: Ершовский муниципальный район" in page
    assert "СОШ № 1 г. Ершова" in page and "СОШ с. Дюрметь" not in page


def test_methodist_cannot_open_other_municipality(world, other_municipality, methodist, client_for):
    response = client_for(methodist).get(reverse("monitoring:overview") + f"?municipality={other_municipality.pk}")
    assert response.status_code == 404


def test_effectiveness_shows_before_and_after_for_targeted_schools(
    world, school_a, municipality, methodist, client_for
):
    from monitoring.models import IndicatorDefinition, IndicatorValue

    share_2 = IndicatorDefinition.objects.get(code="vpr_share_2")
    IndicatorValue.objects.create(
        indicator=share_2,
        year=2025,
        municipality=municipality,
        organization=school_a,
        numerator=1,
        denominator=20,
        value=5.0,
    )
    page = client_for(methodist).get(reverse("monitoring:effectiveness") + "?direction=1.1").content.decode()
    row = page[page.index("Методический десант") :][:1500]
    assert "22,2" in row and "5,0" in row and "лучше" in row  # 22.2 % «2» in 2024, 5.0 % in 2025


def test_zones_csv_lists_each_school_with_its_zone_and_why(world, methodist, client_for):
    content = client_for(methodist).get(reverse("monitoring:zones_export", args=[world["method"].pk, "csv"])).content
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Код ОО;Организация;Сельская;Зона;Предыдущая зона;Балл;Объяснение"
    school_a_line = next(line for line in lines if line.startswith("sch000101"))
    assert "Красная" in school_a_line and "Доля обучающихся, выполнивших ВПР на «2»" in school_a_line
    assert "vpr_share_2" not in school_a_line  # the indicator by its name, as on the pages (issue 20)


def test_card_query_count_does_not_grow_with_measures(world, school_a, methodist, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(methodist)
    url = reverse("monitoring:organization", args=[school_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for number in range(4):
        targeted_measure_create(
            section=world["section"], organizations=[school_a], by=methodist, description=f"Мера {number}",
            source_method=world["method"],
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "Мера 3" in page
    assert len(after) == len(before)


def test_the_heat_map_names_indicators_in_russian_and_prints_numbers_as_the_card_does(world, methodist, client_for):
    """No indicator codes on the map or in the sort menu; values with a decimal comma and «%»."""
    from monitoring.models import IndicatorDefinition, ZoningRule

    page = client_for(methodist).get(reverse("monitoring:overview") + f"?method={world['method'].pk}").content.decode()
    rules = ZoningRule.objects.filter(method=world["method"]).select_related("indicator")
    codes = set(IndicatorDefinition.objects.values_list("code", flat=True))
    heatmap = page.split('class="heatmap"')[1].split("</svg>")[0]
    visible = re.sub(r"<title>.*?</title>", "", heatmap)
    assert not [code for code in codes if re.search(rf">[^<]*\b{re.escape(code)}\b", visible)]
    legend = page.split('data-testid="heatmap-legend"')[1].split("</ol>")[0]
    assert all(rule.indicator.name in legend for rule in rules)
    sort_menu = page.split('id="f_sort"')[1].split("</select>")[0]
    assert not [code for code in codes if f"«{code}»" in sort_menu] and "убывание" not in sort_menu
    values = re.findall(r">(-?\d+[.,]\d)( %)?</text>", visible)
    assert values and all("," in number for number, _ in values)
    percent_rules = [rule for rule in rules if rule.indicator.unit == "%"]
    assert not percent_rules or any(unit for _, unit in values)


def test_effectiveness_concludes_by_plain_counts_and_prints_as_a_document(
    world, school_a, municipality, methodist, director_a, client_for, django_capture_on_commit_callbacks
):
    from monitoring.analysis.selectors import effectiveness
    from monitoring.models import IndicatorDefinition, IndicatorValue
    from reports.models import ReportFile
    from reports.testing import flat, pdf_pages

    IndicatorValue.objects.create(
        indicator=IndicatorDefinition.objects.get(code="vpr_share_2"), year=2025, municipality=municipality,
        organization=school_a, numerator=1, denominator=20, value=5.0,
    )  # fmt: skip
    rows, _ = effectiveness(methodist, municipality, method=world["method"])
    changes = [row["change"] for row in rows]
    compared = [c for c in changes if c]
    assert compared, "the world has a before and an after"
    verdict = "эффективны" if changes.count("лучше") / len(compared) >= 0.5 else "требуют корректировки"
    expected = f"меры {verdict}: улучшение в {changes.count('лучше')} из {len(compared)} сравнений"

    client = client_for(methodist)
    page = client.get(reverse("monitoring:effectiveness")).content.decode()
    assert f"Вывод: {expected}." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:effectiveness_pdf", args=[world["method"].pk]))
    assert response.status_code == 302
    kept = ReportFile.objects.get(kind=ReportFile.Kind.EFFECTIVENESS_PDF, zoning_method=world["method"])
    text = flat(" ".join(pdf_pages(b"".join(client.get(reverse("reports:file", args=[kept.pk])).streaming_content))))
    assert "Анализ эффективности принятых мер" in text and f"Вывод: {expected}." in text
    assert f"{school_a.short_name} Методический десант" in text
    assert (
        client_for(director_a).post(reverse("reports:effectiveness_pdf", args=[world["method"].pk])).status_code == 403
    )
