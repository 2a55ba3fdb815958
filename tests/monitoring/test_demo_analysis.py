import io

from django.core.management import call_command

from monitoring.analysis.demo import load_demo_analysis
from monitoring.models import (
    IndicatorDefinition,
    IndicatorValue,
    Recommendation,
    RecommendationAddressee,
    Zone,
    ZoningMethod,
)


def test_demo_analysis_loads_example_method_and_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    method = ZoningMethod.objects.get(is_example=True, year=2026, municipality__name="Новоузенский муниципальный район")
    assert method.status == ZoningMethod.Status.APPROVED and method.rules.count() == 4
    assert IndicatorDefinition.objects.count() == 31  # 27 and seed 004's four of the authority itself
    counts = (
        IndicatorValue.objects.count(), Zone.objects.count(), ZoningMethod.objects.count(),
        Recommendation.objects.count(), RecommendationAddressee.objects.exclude(status="sent").count(),
    )  # fmt: skip
    assert counts[3] == 2 and counts[4] == 1  # to the red zone, and to every head: the director answered
    assert Zone.objects.filter(method=method).count() == 22  # every demo school has a zone (no data yet)
    again = load_demo_analysis()
    assert again == {
        "показателей": 0, "методик": 0, "значений показателей": 0, "зон": 0, "рекомендаций": 0, "сборов данных": 0,
    }  # fmt: skip
    assert counts == (
        IndicatorValue.objects.count(), Zone.objects.count(), ZoningMethod.objects.count(),
        Recommendation.objects.count(), RecommendationAddressee.objects.exclude(status="sent").count(),
    )  # fmt: skip
