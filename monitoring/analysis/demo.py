"""Demo of the analysis: the indicator catalogue, the example zoning method approved for the demo
municipality (2025/2026), and indicators and zones computed from whatever results the results
demo loaded. Idempotent: a second run creates nothing and leaves the zones as they are."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from monitoring.analysis.services import (
    campaign_create,
    example_method_load,
    indicators_load,
    method_approve,
    reported_values_submit,
)
from monitoring.indicators import indicators_compute
from monitoring.models import (
    Assessment,
    Campaign,
    IndicatorDefinition,
    IndicatorValue,
    Recommendation,
    Zone,
    ZoningMethod,
)
from monitoring.recommendations.services import recommendation_create, recommendation_decide, recommendation_report
from monitoring.zoning import zones_compute
from schools.demo import MUNICIPALITY, NEIGHBOUR
from schools.models import Municipality, Organization

DEMO_YEAR = 2026


def load_demo_analysis() -> dict:
    created = {}
    loaded = indicators_load()
    created["показателей"] = loaded["показателей создано"]
    municipality = Municipality.objects.filter(name=MUNICIPALITY).first()
    if municipality is None:
        return created
    official = get_user_model().objects.filter(username="official").first()
    existed = ZoningMethod.objects.filter(municipality=municipality, year=DEMO_YEAR, is_example=True).exists()
    method = example_method_load(municipality=municipality, year=DEMO_YEAR, by=official)
    created["методик"] = 0 if existed else 1
    if method.status == ZoningMethod.Status.DRAFT and official is not None:
        method = method_approve(method=method, by=official, order_number="демо-1", order_date=date(DEMO_YEAR - 1, 9, 1))
    years = sorted(
        set(Assessment.objects.filter(results__organization__municipality=municipality).values_list("year", flat=True))
    )
    values_before = IndicatorValue.objects.filter(municipality=municipality).count()
    for year in years:
        indicators_compute(year=year, municipality=municipality)
    # the neighbouring district's values too: the region's value and its comparison of municipalities
    neighbour = Municipality.objects.filter(region=municipality.region, name=NEIGHBOUR).first()
    if neighbour is not None:
        neighbour_years = Assessment.objects.filter(results__organization__municipality=neighbour)
        for year in sorted(set(neighbour_years.values_list("year", flat=True))):
            indicators_compute(year=year, municipality=neighbour)
    created["значений показателей"] = max(
        IndicatorValue.objects.filter(municipality=municipality).count() - values_before, 0
    )
    zones_before = Zone.objects.filter(method=method).count()
    if not zones_before:
        zones_compute(method=method)
    created["зон"] = Zone.objects.filter(method=method).count() - zones_before
    created["рекомендаций"] = _demo_recommendations(municipality, method)
    created["сборов данных"] = _demo_campaign(municipality)
    return created


#: The year of the demo's approved roadmap (2026/2027): its targets compare with this collection.
CAMPAIGN_YEAR = 2027
CAMPAIGN_TITLE = "Сбор данных за 2026/2027 учебный год: педагоги и документы управления образования"
# The authority's own answers (seed 004, «Индикатор: да/нет»), filled by its methodist.
AUTHORITY_ANSWERS = {
    "authority_coordinator_order": True,
    "authority_support_documents": True,
    "authority_deficit_system": False,
    "authority_site_page": True,
}


def _demo_campaign(municipality) -> int:
    """A collection from the schools (the share of teachers diagnosed, seed 001's «не менее 5 %
    ежегодно», the target of a demo roadmap measure) and from the authority itself (its seed 004
    documents), filled in, and the year's indicators computed from it."""
    methodist = get_user_model().objects.filter(username="methodist").first()
    if methodist is None or Campaign.objects.filter(municipality=municipality, title=CAMPAIGN_TITLE).exists():
        return 0
    indicators = {
        i.code: i for i in IndicatorDefinition.objects.filter(code__in=["teachers_diagnosed", *AUTHORITY_ANSWERS])
    }
    schools = list(Organization.objects.filter(municipality=municipality).schools().order_by("code"))
    authority = Organization.objects.filter(municipality=municipality, kind=Organization.Kind.AUTHORITY).first()
    if authority is None or len(indicators) != 1 + len(AUTHORITY_ANSWERS):
        return 0
    campaign = campaign_create(
        municipality=municipality, by=methodist, title=CAMPAIGN_TITLE, year=CAMPAIGN_YEAR,
        period_start=date(CAMPAIGN_YEAR - 1, 9, 1), period_end=date(CAMPAIGN_YEAR, 5, 31),
        deadline=date(CAMPAIGN_YEAR - 1, 12, 20), indicators=indicators.values(), organizations=[authority, *schools],
    )  # fmt: skip
    for index, school in enumerate(schools):
        reported_values_submit(
            campaign=campaign, organization=school, by=methodist,
            values={indicators["teachers_diagnosed"]: (2 + index % 3, 25 + index % 10, None)},
        )  # fmt: skip
    reported_values_submit(
        campaign=campaign, organization=authority, by=methodist,
        values={indicators[code]: (None, None, answer) for code, answer in AUTHORITY_ANSWERS.items()},
    )  # fmt: skip
    indicators_compute(year=CAMPAIGN_YEAR, municipality=municipality)
    return 1


RISK_TEXT = (
    "Провести поэлементный анализ результатов ВПР по математике и русскому языку, определить дефициты "
    "обучающихся и включить их устранение в планы работы методических объединений."
)
DIRECTORS_TEXT = (
    "Рассмотреть результаты мониторинга на педагогическом совете, утвердить план мер по повышению "
    "объективности оценивания и разместить его на сайте организации."
)


def _demo_recommendations(municipality, method) -> int:
    """Two addressed recommendations: to the red-zone schools of the method, and to every school's
    head, which the first director has answered and the methodist has accepted."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["methodist", "director"])}
    methodist, director = users.get("methodist"), users.get("director")
    if methodist is None or Recommendation.objects.filter(municipality=municipality, text=RISK_TEXT).exists():
        return 0
    due = timezone.localdate() + timedelta(days=30)
    red = Organization.objects.filter(zones__method=method, zones__colour="red")
    made = 0
    if red.exists():
        recommendation_create(
            municipality=municipality, by=methodist, organizations=red, text=RISK_TEXT,
            group=Recommendation.Group.RISK_SCHOOLS, due_date=due, method=method, zone_colour="red",
        )  # fmt: skip
        made += 1
    schools = Organization.objects.filter(municipality=municipality).schools()
    heads = recommendation_create(
        municipality=municipality, by=methodist, organizations=schools, text=DIRECTORS_TEXT,
        group=Recommendation.Group.DIRECTORS, due_date=due,
    )  # fmt: skip
    made += 1
    answer = heads.addressees.filter(organization__memberships__user=director).first() if director else None
    if answer is not None:
        recommendation_report(
            addressee=answer, by=director,
            report="Педагогический совет проведён 14.11, план мер утверждён приказом № 112 и размещён на сайте.",
        )  # fmt: skip
        recommendation_decide(addressee=answer, by=methodist, decision="done")
    return made
