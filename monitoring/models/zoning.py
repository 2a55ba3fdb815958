"""Zoning (зонирование): methods approved by a municipality, their rules with colour ranges, and
the zone each organisation gets with the explanation kept (and the previous result beside it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models.indicators import IndicatorDefinition
from roadmaps.models import ApprovedByOrder
from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class Colour(models.TextChoices):
    GREEN = "green", "Зелёная"
    YELLOW = "yellow", "Жёлтая"
    RED = "red", "Красная"
    NO_DATA = "no_data", "Недостаточно данных"


class ZoningMethodQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff of the municipality see its methods (drafts too); directors the approved ones."""
        return self.filter(
            Q(municipality_id__in=access.municipality_ids)
            | Q(municipality_id__in=access.director_municipality_ids, status=ZoningMethod.Status.APPROVED)
        )


class ZoningMethod(ApprovedByOrder):
    """Методика зонирования ОО: belongs to a municipality and a year, approved by an order
    («приказ об утверждении методики», the signed `approval_order`) and then frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        APPROVED = "approved", "Утверждена"

    class Combine(models.TextChoices):
        WORST = "worst", "Худший цвет среди правил"
        WEIGHTED = "weighted", "Взвешенный балл с порогами"
        RED_COUNT = "red_count", "Число «красных» правил"

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    title = models.CharField("наименование", max_length=300)
    is_example = models.BooleanField("пример (заменить утверждённой)", default=False)
    combine = models.CharField("объединение правил", max_length=20, choices=Combine.choices, default=Combine.WORST)
    # weighted: green = 2 points, yellow = 1, red = 0; the weighted mean is compared with the cut-offs
    green_score_min = models.FloatField("взвешенный балл: зелёная от", default=1.5)
    yellow_score_min = models.FloatField("взвешенный балл: жёлтая от", default=0.75)
    # red_count: this many red rules make the organisation red; any red or yellow rule makes it yellow
    red_rules_for_red = models.PositiveSmallIntegerField("красных правил для красной зоны", default=2)
    minimum_participants = models.PositiveIntegerField("минимум участников", default=5)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField("зоны рассчитаны", null=True, blank=True)
    # «Приказ об итогах мониторинга»: the order on this method's zones, drafted from them
    # (reports.services.zoning_order_draft) and printed with the zones as its appendix.
    results_order = models.ForeignKey(
        "roadmaps.Order",
        verbose_name="приказ об итогах",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zoning_results",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = ZoningMethodQuerySet.as_manager()

    class Meta:
        verbose_name = "методика зонирования"
        verbose_name_plural = "методики зонирования"
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(yellow_score_min__lte=models.F("green_score_min")), name="zoning_cutoffs_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approval_order__isnull=False), name="zoning_approved_has_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year - 1}/{self.year})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class ZoningRule(models.Model):
    """Правило методики: показатель (в целом или в разрезе предмета / параллели), вес и
    цветовые диапазоны, которые покрывают всю шкалу показателя без разрывов и наложений.

    ranges: [{"colour": "green", "low": 0, "high": 10, "low_closed": true, "high_closed": false}, …]
    """

    method = models.ForeignKey(ZoningMethod, verbose_name="методика", on_delete=models.CASCADE, related_name="rules")
    indicator = models.ForeignKey(IndicatorDefinition, verbose_name="показатель", on_delete=models.PROTECT)
    subject = models.CharField("предмет", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True)
    weight = models.FloatField("вес", default=1)
    ranges = models.JSONField("диапазоны", default=list)
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "правило зонирования"
        verbose_name_plural = "правила зонирования"
        ordering = ["method", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="zoning_rule_weight_positive")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.slice_label}".strip()

    @property
    def slice_label(self) -> str:
        parts = [self.subject] + ([f"{self.grade} кл."] if self.grade else [])
        return ", ".join(p for p in parts if p) or "в целом"


class ZoneQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(
            Q(organization__municipality_id__in=access.municipality_ids)
            | Q(organization_id__in=access.organization_ids, method__status=ZoningMethod.Status.APPROVED)
        )


class Zone(models.Model):
    """Зона организации по методике: цвет, балл, объяснение (каждое правило: значение, диапазон,
    цвет) и предыдущий результат для сравнения («была жёлтая, стала красная»)."""

    method = models.ForeignKey(ZoningMethod, verbose_name="методика", on_delete=models.CASCADE, related_name="zones")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="zones"
    )
    colour = models.CharField("зона", max_length=10, choices=Colour.choices)
    score = models.FloatField("балл", null=True, blank=True)
    explanation = models.JSONField("объяснение", default=list)
    previous_colour = models.CharField("предыдущая зона", max_length=10, choices=Colour.choices, blank=True)
    previous_explanation = models.JSONField("предыдущее объяснение", default=list, blank=True)
    previous_computed_at = models.DateTimeField("предыдущий расчёт", null=True, blank=True)
    computed_at = models.DateTimeField("рассчитана")

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = "зона организации"
        verbose_name_plural = "зоны организаций"
        ordering = ["method", "organization__short_name"]
        constraints = [models.UniqueConstraint(fields=["method", "organization"], name="zone_unique_per_method")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_colour_display()}"

    @property
    def changed(self) -> bool:
        return bool(self.previous_colour) and self.previous_colour != self.colour
