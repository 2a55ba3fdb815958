"""Demo of the analysis: the indicator catalogue, the example zoning method approved for the demo
municipality (2025/2026), and indicators and zones computed from whatever results the results
demo loaded. Idempotent: a second run creates nothing and leaves the zones as they are."""

from datetime import date

from django.contrib.auth import get_user_model

from monitoring.analysis.services import example_method_load, indicators_load, method_approve
from monitoring.indicators import indicators_compute
from monitoring.models import Assessment, IndicatorValue, Zone, ZoningMethod
from monitoring.zoning import zones_compute
from schools.demo import MUNICIPALITY
from schools.models import Municipality

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
    created["значений показателей"] = max(
        IndicatorValue.objects.filter(municipality=municipality).count() - values_before, 0
    )
    zones_before = Zone.objects.filter(method=method).count()
    if not zones_before:
        zones_compute(method=method)
    created["зон"] = Zone.objects.filter(method=method).count() - zones_before
    return created
