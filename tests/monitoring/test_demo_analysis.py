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
    assert IndicatorDefinition.objects.count() == 33  # 27, seed 004's four of the authority itself, НИКО's two
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
    # The demo director's school shows its ВПР task by task and by teacher (issue 22 part 4).
    from monitoring.inschool.demo import DEMO_SCHOOL, load_demo_inschool
    from monitoring.inschool.selectors import school_analysis
    from monitoring.models import Assessment
    from schools.models import Organization

    assert load_demo_inschool() == {"описано работ": 0, "учителей классов": 0}
    school = Organization.objects.get(code=DEMO_SCHOOL)
    work = Assessment.objects.get(kind="vpr", year=2026, subject="Математика", grade=5)
    page = school_analysis(school, work)
    assert len(page["tasks"]) == 10 and all(t.school is not None and t.municipality is not None for t in page["tasks"])
    assert page["ovz"] and {t["group"].label for t in page["teachers"]} == {"Соколова Н. В.", "Орлов Д. А."}
