"""Identification of ШНРО and ШНСУ (школы с низкими результатами обучения и школы, функционирующие в
неблагоприятных социальных условиях): a municipality's method for a year with explicit criteria,
approved by an order; the list a run of it produces, with every criterion's numbers kept; the
list's approval, which sets the schools' flags for that year. Lists stay: they are the history."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models.indicators import IndicatorDefinition
from roadmaps.models import ApprovedByOrder
from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class IdentificationMethodQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff of the municipality (and of its region) read its methods; directors none: they see
        only their own school's status on its card."""
        return self.filter(municipality_id__in=access.municipality_ids | access.region_municipality_ids)


class IdentificationMethod(ApprovedByOrder):
    """Методика идентификации ШНРО и ШНСУ муниципалитета на учебный год: критерии по результатам и по
    контекстным данным и правило их сочетания; утверждается приказом и после этого не изменяется."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        APPROVED = "approved", "Утверждена"

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    title = models.CharField("наименование", max_length=300)
    # ШНРО: at least this many of the results criteria met; ШНСУ: at least this many of the context ones.
    results_required = models.PositiveSmallIntegerField("ШНРО: выполнено критериев по результатам не менее", default=1)
    context_required = models.PositiveSmallIntegerField("ШНСУ: выполнено контекстных критериев не менее", default=1)
    minimum_participants = models.PositiveIntegerField(
        "минимум участников",
        default=5,
        help_text="Значение показателя по меньшему числу участников не учитывается (нет данных)",
    )
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = IdentificationMethodQuerySet.as_manager()

    class Meta:
        verbose_name = "методика идентификации ШНРО и ШНСУ"
        verbose_name_plural = "методики идентификации ШНРО и ШНСУ"
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(results_required__gte=1), name="identification_results_required_1"),
            models.CheckConstraint(condition=Q(context_required__gte=1), name="identification_context_required_1"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approval_order__isnull=False),
                name="identification_approved_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year - 1}/{self.year})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def year_label(self) -> str:
        return f"{self.year - 1}/{self.year}"


class IdentificationCriterion(models.Model):
    """Критерий методики идентификации. По результатам (ШНРО): показатель каталога (в целом по школе
    или по предмету / параллели), сравнение с порогом, выполнен не менее чем в N из последних K лет.
    Контекстный (ШНСУ): доля участий обучающихся с ОВЗ, сельская местность, численность обучающихся —
    по году методики."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", "Показатель по результатам"
        OVZ_SHARE = "ovz_share", "Доля участий обучающихся с ОВЗ в оценочных процедурах, %"
        RURAL = "rural", "Школа в сельской местности"
        SIZE = "size", "Численность обучающихся"

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "не меньше"
        AT_MOST = "lte", "не больше"

    method = models.ForeignKey(
        IdentificationMethod, verbose_name="методика", on_delete=models.CASCADE, related_name="criteria"
    )
    kind = models.CharField("вид критерия", max_length=20, choices=Kind.choices)
    indicator = models.ForeignKey(
        IndicatorDefinition, verbose_name="показатель", null=True, blank=True, on_delete=models.PROTECT
    )
    subject = models.CharField("предмет", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True)
    comparison = models.CharField("сравнение", max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST)
    threshold = models.FloatField("порог", null=True, blank=True)
    years_window = models.PositiveSmallIntegerField("лет рассматривается (K)", default=1)
    years_required = models.PositiveSmallIntegerField("лет с выполнением (N)", default=1)
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "критерий идентификации"
        verbose_name_plural = "критерии идентификации"
        ordering = ["method", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(years_required__gte=1, years_window__lte=5, years_required__lte=models.F("years_window")),
                name="identification_criterion_years",
            ),
            models.CheckConstraint(
                condition=Q(kind="indicator", indicator__isnull=False)
                | (~Q(kind="indicator") & Q(indicator__isnull=True)),
                name="identification_criterion_indicator",
            ),
            models.CheckConstraint(
                condition=Q(kind="rural") | Q(threshold__isnull=False), name="identification_criterion_threshold"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_results(self) -> bool:
        return self.kind == self.Kind.INDICATOR

    @property
    def slice_label(self) -> str:
        parts = [self.subject] + ([f"{self.grade} кл."] if self.grade else [])
        return ", ".join(p for p in parts if p) or "в целом по школе"

    @property
    def label(self) -> str:
        """The criterion in words: «Доля … ОГЭ «2» (Математика) не меньше 15 — в 2 из 3 последних лет»."""
        if self.kind == self.Kind.RURAL:
            return self.Kind.RURAL.label
        threshold = f"{self.threshold:g}".replace(".", ",") if self.threshold is not None else "—"
        if self.kind == self.Kind.INDICATOR:
            name = self.indicator.name if self.indicator_id else "показатель"
            unit = f" {self.indicator.unit}" if self.indicator_id and self.indicator.unit else ""
            years = (
                f" в {self.years_required} из {self.years_window} последних лет" if self.years_window > 1 else " в году"
            )
            return f"{name} ({self.slice_label}) {self.get_comparison_display()} {threshold}{unit}{years}"
        return f"{self.get_kind_display()} {self.get_comparison_display()} {threshold}"


class IdentificationListQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(municipality_id__in=access.municipality_ids | access.region_municipality_ids)


class IdentificationList(ApprovedByOrder):
    """Список ШНРО и ШНСУ за учебный год: результат расчёта по утверждённой методике (каждая школа с
    выполненными критериями и числами за ними); утверждается приказом, после чего флаги школ ставятся
    по нему. Утверждённые списки остаются: это история идентификации по годам."""

    class Status(models.TextChoices):
        COMPUTED = "computed", "Рассчитан"
        APPROVED = "approved", "Утверждён"

    method = models.ForeignKey(
        IdentificationMethod, verbose_name="методика", on_delete=models.PROTECT, related_name="lists"
    )
    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.COMPUTED)
    computed_at = models.DateTimeField("рассчитан")
    schools = models.PositiveIntegerField("школ рассмотрено", default=0)
    low_results_count = models.PositiveIntegerField("ШНРО", default=0)
    unfavourable_count = models.PositiveIntegerField("ШНСУ", default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="утвердил", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)

    objects = IdentificationListQuerySet.as_manager()

    class Meta:
        verbose_name = "список ШНРО и ШНСУ"
        verbose_name_plural = "списки ШНРО и ШНСУ"
        ordering = ["-year", "-pk"]
        constraints = [
            # one computed list per method (a new run replaces it) and one approved list a year
            models.UniqueConstraint(fields=["method"], name="identification_list_one_per_method"),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=Q(status="approved"),
                name="identification_list_one_approved_a_year",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approval_order__isnull=False),
                name="identification_list_approved_has_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Список ШНРО и ШНСУ {self.year - 1}/{self.year}"

    @property
    def year_label(self) -> str:
        return f"{self.year - 1}/{self.year}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class IdentificationEntryQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff read the lists of their municipality; a director only the approved status of their own school."""
        return self.filter(
            Q(organization__municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(organization_id__in=access.organization_ids, listing__status=IdentificationList.Status.APPROVED)
        )


class IdentificationEntry(models.Model):
    """Строка списка: школа, признана ли ШНРО / ШНСУ и почему — каждый критерий с числами
    (числитель, знаменатель, значение, год) и отметкой, выполнен ли он.

    criteria: [{"criterion": pk, "label": "…", "results": true, "met": true,
                "years": [{"year": 2024, "numerator": 3, "denominator": 20, "value": 15.0, "met": true}, …]}, …]
    """

    listing = models.ForeignKey(
        IdentificationList, verbose_name="список", on_delete=models.CASCADE, related_name="entries"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.CASCADE, related_name="identifications"
    )
    low_results = models.BooleanField("ШНРО", default=False)
    unfavourable_conditions = models.BooleanField("ШНСУ", default=False)
    results_met = models.PositiveSmallIntegerField("выполнено критериев по результатам", default=0)
    context_met = models.PositiveSmallIntegerField("выполнено контекстных критериев", default=0)
    criteria = models.JSONField("критерии и числа", default=list)

    objects = IdentificationEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "строка списка ШНРО и ШНСУ"
        verbose_name_plural = "строки списков ШНРО и ШНСУ"
        ordering = ["listing", "organization__short_name"]
        constraints = [models.UniqueConstraint(fields=["listing", "organization"], name="identification_entry_unique")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.status_label}"

    @property
    def is_listed(self) -> bool:
        return self.low_results or self.unfavourable_conditions

    @property
    def status_label(self) -> str:
        labels = [name for flag, name in ((self.low_results, "ШНРО"), (self.unfavourable_conditions, "ШНСУ")) if flag]
        return " и ".join(labels) or "не отнесена"
