from reports.demo import load_demo_reports
from reports.selectors import order_items
from roadmaps.models import Order
from schools.demo import load_demo_schools


def test_demo_order_is_loaded_once(db):
    load_demo_schools()
    assert load_demo_reports() == {"приказов": 1}
    assert load_demo_reports() == {"приказов": 0}
    order = Order.objects.get()
    text = " ".join(item.text for item in order_items(order))
    assert "Методисту управления образования Кузнецовой Елене Петровне провести мониторинг" in text
    assert "оставить за начальником управления образования Т.В. Разуваевой." in text


def test_demo_spravka_is_generated_once(db):
    from monitoring.models import StudentResult
    from reports.demo import load_demo_spravka
    from reports.models import AnalyticReport
    from reports.testing import results_for_spravka
    from schools.models import Organization

    load_demo_schools()
    municipality = Organization.objects.get(code="uo6401").municipality
    results_for_spravka(municipality, schools=2, per_school=5)
    assert load_demo_spravka() == {"справок": 1}
    assert load_demo_spravka() == {"справок": 0}
    report = AnalyticReport.objects.get()
    assert (
        report.is_draft
        and report.content["numbers"]["own"]["participants"]
        == StudentResult.objects.filter(assessment=report.assessment).count()
    )
