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
