import django_filters
from django import forms
from django.db.models import Q

from schools.models import Municipality, Organization


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Поиск",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "название, код, адрес, руководитель"}),
    )
    municipality = django_filters.ModelChoiceFilter(
        label="Муниципалитет", queryset=Municipality.objects.none(), empty_label="все"
    )
    kind = django_filters.ChoiceFilter(label="Тип", choices=Organization.Kind.choices, empty_label="все типы")
    is_rural = django_filters.BooleanFilter(
        label="Сельская", widget=forms.Select(choices=[("", "все"), ("true", "да"), ("false", "нет")])
    )

    class Meta:
        model = Organization
        fields = ["q", "municipality", "kind", "is_rural"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = Municipality.objects.for_user(user)

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(short_name__icontains=word)
                | Q(full_name__icontains=word)
                | Q(code__icontains=word)
                | Q(address__icontains=word)
                | Q(head_name__icontains=word)
            )
        return queryset
