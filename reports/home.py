"""What reports put on the home page (schools.home): the orders (проекты приказов) waiting for the
official's signature, counted as the order list filtered by the same link shows them."""

from django.urls import reverse
from django.utils.http import urlencode

from reports.filters import MINE_SIGN
from reports.selectors import orders_filtered
from roadmaps.models import Order
from schools.home import Source, Todo, home_source_register


def official_todos(user) -> list[Todo]:
    params = {"status": Order.Status.DRAFT, "mine": MINE_SIGN}
    _, orders = orders_filtered(user, params)
    return [
        Todo(
            key="orders-draft",
            label="Проекты приказов ждут подписи",
            count=orders.count(),
            url=f"{reverse('reports:orders')}?{urlencode(params)}",
            urgency=15,
        )
    ]


def register() -> None:
    home_source_register(Source("reports-official", "official", official_todos))
