import django_filters

from roadmaps.models import Order
from schools.access import access_for

MINE_SIGN = "sign"


class OrderFilter(django_filters.FilterSet):
    """Filters of the order list; «на моей подписи» is what the official's home counts."""

    status = django_filters.ChoiceFilter(label="Состояние", choices=Order.Status.choices, empty_label="все")
    mine = django_filters.ChoiceFilter(
        label="Моя работа", choices=[(MINE_SIGN, "утверждаю я")], method="of_mine", empty_label="все"
    )

    class Meta:
        model = Order
        fields = ["status", "mine"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def of_mine(self, queryset, name, value):
        # the officials of the order's organisation sign it (and with it approve its roadmaps)
        return queryset.filter(access_for(self.user).approve_q("organization"))
