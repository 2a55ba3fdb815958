import django_filters
from django import forms
from django.db.models import Q

from roadmaps.models import Direction, Roadmap
from schools.access import access_for

# «Моя работа»: the roadmaps waiting for the person (the home's counters link here with it).
MINE_APPROVE, MINE_EDIT = "approve", "edit"


class RoadmapFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Поиск",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "наименование, организация, текст мероприятия"}),
    )
    status = django_filters.ChoiceFilter(label="Состояние", choices=Roadmap.Status.choices, empty_label="все")
    year = django_filters.NumberFilter(
        label="Период включает год",
        method="covers_year",
        widget=forms.NumberInput(attrs={"min": 2000, "max": 2100}),
    )
    direction = django_filters.ModelChoiceFilter(
        label="Направление", queryset=Direction.objects.all(), method="with_direction", empty_label="все"
    )

    mine = django_filters.ChoiceFilter(
        label="Моя работа",
        choices=[(MINE_APPROVE, "утверждаю я"), (MINE_EDIT, "изменяю я")],
        method="of_mine",
        empty_label="все",
    )

    class Meta:
        model = Roadmap
        fields = ["q", "status", "year", "direction", "mine"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def of_mine(self, queryset, name, value):
        access = access_for(self.user)
        return queryset.filter(access.approve_q("owner") if value == MINE_APPROVE else access.edit_for_q("owner"))

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(code__icontains=word)
                | Q(owner__short_name__icontains=word)
                | Q(sections__heading__icontains=word)
                | Q(sections__measures__description__icontains=word)
            )
        return queryset.distinct()

    def covers_year(self, queryset, name, value):
        return queryset.filter(period_start__year__lte=value, period_end__year__gte=value)

    def with_direction(self, queryset, name, value):
        return queryset.filter(sections__direction=value).distinct()
