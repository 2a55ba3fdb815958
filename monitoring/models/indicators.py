"""Indicators (показатели): the catalogue, their computed values, and the collection of reported
data from organisations (campaigns and the values directors submit)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class IndicatorDefinitionQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """The catalogue is reference data: every signed-in person reads all of it."""
        return self


class IndicatorDefinition(models.Model):
    """Показатель: its exact name, the direction (its code as text, e.g. «1.1»), unit, formula text,
    which way is better, and whether it is computed from results or reported by organisations."""

    class Source(models.TextChoices):
        RESULTS = "results", "Рассчитывается по результатам"
        REPORTED = "reported", "Собирается от организаций"

    class Better(models.TextChoices):
        HIGHER = "higher", "Чем больше, тем лучше"
        LOWER = "lower", "Чем меньше, тем лучше"
        NONE = "none", "Не оценивается"

    class Level(models.TextChoices):
        SCHOOL = "school", "Организация"
        MUNICIPALITY = "municipality", "Муниципалитет"
        # The authority itself (seed 004: «Наличие … приказа о назначении муниципального
        # координатора»): collected from the authority's own form in a campaign, filled by its staff.
        AUTHORITY = "authority", "Орган управления образованием"

    class FormKind(models.TextChoices):
        RATIO = "ratio", "Числитель и знаменатель"
        NUMBER = "number", "Число"
        YES_NO = "yes_no", "Да/нет"
        NONE = "", "—"

    code = models.SlugField("код", max_length=60, unique=True)
    name = models.TextField("наименование")
    direction_code = models.CharField("направление (код)", max_length=20, blank=True)
    unit = models.CharField("единица", max_length=20, default="%")
    better = models.CharField("что лучше", max_length=10, choices=Better.choices, default=Better.HIGHER)
    formula = models.TextField("формула", blank=True)
    source = models.CharField("источник", max_length=20, choices=Source.choices, default=Source.REPORTED)
    level = models.CharField("уровень", max_length=20, choices=Level.choices, default=Level.SCHOOL)
    slices = models.JSONField("разрезы", default=list, blank=True, help_text="subject, grade, class")
    form_kind = models.CharField("вид формы", max_length=10, choices=FormKind.choices, blank=True)
    numerator_label = models.CharField("числитель (подпись)", max_length=300, blank=True)
    denominator_label = models.CharField("знаменатель (подпись)", max_length=300, blank=True)
    target = models.CharField("целевое значение", max_length=200, blank=True)
    scale_min = models.FloatField("шкала: от", default=0)
    scale_max = models.FloatField("шкала: до", null=True, blank=True, help_text="Пусто — без верхней границы")
    is_builtin = models.BooleanField("из поставки", default=False)
    order = models.PositiveIntegerField("порядок", default=0)

    objects = IndicatorDefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = "показатель"
        verbose_name_plural = "показатели"
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__isnull=True) | Q(scale_max__gt=models.F("scale_min")),
                name="indicator_scale_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_reported(self) -> bool:
        return self.source == self.Source.REPORTED

    def is_collected_from(self, organization) -> bool:
        """An indicator of the authority is collected from the authority itself, the others from
        the organisations (schools and the rest): a campaign's form asks each only its own."""
        is_authority = organization.kind in (Organization.Kind.AUTHORITY, Organization.Kind.METHODICAL)
        return (self.level == self.Level.AUTHORITY) == is_authority

    @property
    def scale_label(self) -> str:
        top = "∞" if self.scale_max is None else f"{self.scale_max:g}"
        return f"{self.scale_min:g}–{top}".replace(".", ",")


class IndicatorValueQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff see their municipality; a director sees their organisation's values and the
        municipality's pooled ones (organization is NULL), never another school's; the region's
        staff the pooled values of their region's municipalities (the comparison of municipalities
        on «Показатели региона»), never a school's."""
        return self.filter(
            Q(municipality_id__in=access.municipality_ids)
            | Q(organization_id__in=access.organization_ids)
            | Q(
                municipality_id__in=access.director_municipality_ids | access.region_municipality_ids,
                organization__isnull=True,
            )
        )


class IndicatorValue(models.Model):
    """Значение показателя за учебный год для организации (или для муниципалитета, когда
    organization пуста: from pooled counts), целиком или в разрезе предмета / параллели / класса.
    `value` is NULL («нет данных») when the denominator is zero."""

    indicator = models.ForeignKey(
        IndicatorDefinition,
        verbose_name="показатель",
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
        db_constraint=False,
    )
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    # Single-column indexes and database-level foreign keys are left out on purpose: values are
    # derived data rewritten by every computation (a hundred thousand rows, each index and each
    # deferred FK check costs time); the two composite indexes below serve every read, and
    # Django's on_delete=CASCADE still removes values with their organisation or indicator.
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, db_index=False, db_constraint=False
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    subject = models.CharField("предмет", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True)
    class_name = models.CharField("класс", max_length=20, blank=True)
    numerator = models.FloatField("числитель", null=True, blank=True)
    denominator = models.FloatField("знаменатель", null=True, blank=True)
    value = models.FloatField("значение", null=True, blank=True)
    details = models.JSONField("подробности", default=dict, blank=True)
    computed_at = models.DateTimeField("рассчитано", auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        indexes = [
            models.Index(fields=["municipality", "year", "indicator"]),
            models.Index(fields=["organization", "indicator", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"

    @property
    def is_whole(self) -> bool:
        return not self.subject and self.grade is None and not self.class_name

    @property
    def slice_label(self) -> str:
        parts = [self.subject]
        if self.grade is not None:
            parts.append(f"{self.grade} кл.")
        if self.class_name:
            parts.append(f"класс {self.class_name}")
        return ", ".join(p for p in parts if p) or "в целом"


class CampaignQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(
            Q(municipality_id__in=access.municipality_ids) | Q(organizations__in=access.organization_ids)
        ).distinct()


class Campaign(models.Model):
    """Сбор данных: a set of reported indicators for a period with a deadline, sent to organisations;
    each director fills a form for their organisation."""

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    title = models.CharField("наименование", max_length=300)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    period_start = models.DateField("период: с")
    period_end = models.DateField("период: по")
    deadline = models.DateField("срок представления")
    indicators = models.ManyToManyField(IndicatorDefinition, verbose_name="показатели")
    organizations = models.ManyToManyField(Organization, verbose_name="организации", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "сбор данных"
        verbose_name_plural = "сборы данных"
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="campaign_period")
        ]

    def __str__(self) -> str:
        return self.title


class ReportedValue(models.Model):
    """Значение показателя, представленное организацией в рамках сбора (или загруженное из книги)."""

    campaign = models.ForeignKey(Campaign, verbose_name="сбор", on_delete=models.CASCADE, related_name="values")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(IndicatorDefinition, verbose_name="показатель", on_delete=models.CASCADE)
    numerator = models.PositiveIntegerField("числитель / число", null=True, blank=True)
    denominator = models.PositiveIntegerField("знаменатель", null=True, blank=True)
    yes_no = models.BooleanField("да/нет", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="представил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("представлено", auto_now=True)

    class Meta:
        verbose_name = "представленное значение"
        verbose_name_plural = "представленные значения"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization", "indicator"], name="reported_value_unique"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="reported_numerator_le_denominator",
                violation_error_message="Числитель не может быть больше знаменателя",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.indicator.code}"
