from django.db import models

from schools.access import ScopedQuerySet

# ---------------------------------------------------------------------------------------------
# Catalogue (справочники), loaded from roadmaps/data/catalogue.yaml and editable by administrators.
# ---------------------------------------------------------------------------------------------


class CatalogueQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """The catalogue is reference data: every signed-in person reads all of it."""
        return self


class CatalogueModel(models.Model):
    code = models.CharField("код", max_length=50, unique=True)
    title = models.CharField("наименование", max_length=500)
    order = models.PositiveIntegerField("порядок", default=0)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title


class CycleStage(CatalogueModel):
    """Этап управленческого цикла: цели → показатели → … → анализ эффективности принятых мер."""

    class Meta(CatalogueModel.Meta):
        verbose_name = "этап управленческого цикла"
        verbose_name_plural = "этапы управленческого цикла"


class DirectionGroup(CatalogueModel):
    """Группа направлений: механизмы управления качеством образовательных результатов / деятельности."""

    class Meta(CatalogueModel.Meta):
        verbose_name = "группа направлений"
        verbose_name_plural = "группы направлений"


class Direction(CatalogueModel):
    """Направление МУКО (1.1 … 2.4), или направление, которое регион добавил сам."""

    group = models.ForeignKey(
        DirectionGroup,
        verbose_name="группа",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directions",
    )
    is_federal = models.BooleanField("федеральное направление", default=True)

    class Meta(CatalogueModel.Meta):
        verbose_name = "направление"
        verbose_name_plural = "направления"

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.is_federal else self.title


class Track(models.Model):
    """Трек: уровень внутри направления (seed 000: «Объективность оценки качества подготовки…»)."""

    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.CASCADE, related_name="tracks"
    )
    title = models.CharField("наименование", max_length=500)
    order = models.PositiveIntegerField("порядок", default=0)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "трек"
        verbose_name_plural = "треки"
        ordering = ["direction__order", "order"]
        constraints = [models.UniqueConstraint(fields=["direction", "title"], name="track_unique_title")]

    def __str__(self) -> str:
        return self.title


class EvidenceKind(CatalogueModel):
    """Вид подтверждающего документа: приказ, протокол, аналитическая справка, ссылка …"""

    class Meta(CatalogueModel.Meta):
        verbose_name = "вид подтверждающего документа"
        verbose_name_plural = "виды подтверждающих документов"


class ExecutorKind(CatalogueModel):
    """Вид ответственного исполнителя, когда конкретная организация не названа: «Руководители ОО»."""

    class Meta(CatalogueModel.Meta):
        verbose_name = "вид исполнителя"
        verbose_name_plural = "виды исполнителей"


class FunctionType(CatalogueModel):
    """Функция муниципалитета в управленческом цикле по треку, со стандартной последовательностью шагов."""

    class Meta(CatalogueModel.Meta):
        verbose_name = "тип функции"
        verbose_name_plural = "типы функций"


class StepTemplate(models.Model):
    """Стандартный шаг функции: текст, срок, исполнители и документы, из которых создаются мероприятия."""

    function_type = models.ForeignKey(
        FunctionType, verbose_name="тип функции", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField("порядок")
    stage = models.ForeignKey(CycleStage, verbose_name="этап цикла", on_delete=models.PROTECT)
    text = models.TextField("текст шага")
    deadline_text = models.CharField("срок", max_length=300)
    executor_kinds = models.ManyToManyField(ExecutorKind, verbose_name="исполнители", blank=True)
    evidence_kinds = models.ManyToManyField(EvidenceKind, verbose_name="подтверждающие документы", blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "стандартный шаг"
        verbose_name_plural = "стандартные шаги"
        ordering = ["function_type", "order"]
        constraints = [models.UniqueConstraint(fields=["function_type", "order"], name="step_unique_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class StageRule(models.Model):
    """Правило самооценки этапа управленческого цикла (мониторинг муниципальных механизмов управления
    качеством): what shows that the stage is in place for a direction in a year, and the scale. A cell
    (direction × stage) is «полностью» when every requirement is met, «частично» when some are, «нет»
    when none is. Catalogue data: loaded with the catalogue, edited by administrators; the product's
    self-assessment (reports.selfassessment) reads it and prints it in words."""

    stage = models.OneToOneField(
        CycleStage, verbose_name="этап цикла", on_delete=models.CASCADE, related_name="assessment_rule"
    )
    points_partial = models.PositiveSmallIntegerField("баллов за «частично»", default=1)
    points_full = models.PositiveSmallIntegerField("баллов за «полностью»", default=2)
    note = models.TextField("пояснение для методиста", blank=True)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "правило самооценки этапа"
        verbose_name_plural = "правила самооценки этапов"
        ordering = ["stage__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_partial__lte=models.F("points_full")), name="stage_rule_scale_order"
            )
        ]

    def __str__(self) -> str:
        return f"Самооценка: {self.stage}"


class StageRequirement(models.Model):
    """Требование правила самооценки: one thing the stage needs, shown by any one of its sources
    («принятая аналитическая справка или утверждённое зонирование»)."""

    class Source(models.TextChoices):
        MEASURE = "measure", "мероприятие этапа в утверждённой дорожной карте"
        EVIDENCE = "evidence", "принятый подтверждающий документ по мероприятию этапа"
        INDICATORS = "indicators", "рассчитанные показатели направления"
        ZONING = "zoning", "утверждённое и рассчитанное зонирование по показателям направления"
        SPRAVKA = "spravka", "утверждённая аналитическая справка по направлению"
        RECOMMENDATIONS = "recommendations", "адресные рекомендации по направлению"
        EFFECTIVENESS = "effectiveness", "анализ эффективности принятых мер (документ)"
        DECISION = "decision", "подписанный приказ об итогах мониторинга"
        PUBLISHED = "published", "материалы года на открытой странице"

    rule = models.ForeignKey(StageRule, verbose_name="правило", on_delete=models.CASCADE, related_name="requirements")
    order = models.PositiveIntegerField("порядок", default=0)
    sources = models.JSONField(
        "чем подтверждается (любое из)", default=list, help_text="Коды источников: " + ", ".join(Source.values)
    )
    evidence_kinds = models.ManyToManyField(
        EvidenceKind,
        verbose_name="виды принятых документов",
        blank=True,
        help_text="Для источника «принятый документ»: пусто — документ любого вида",
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = "требование самооценки"
        verbose_name_plural = "требования самооценки"
        ordering = ["rule", "order", "pk"]

    def __str__(self) -> str:
        return " или ".join(self.Source(code).label for code in self.sources if code in self.Source.values)
