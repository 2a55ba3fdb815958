"""Roadmaps (дорожные карты / планы мероприятий), their sections and measures."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from roadmaps.models.approval import ApprovedByOrder
from roadmaps.models.catalogue import CycleStage, Direction, EvidenceKind, ExecutorKind, FunctionType, Track
from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class RoadmapQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff of the authority see their municipality's roadmaps (drafts included); directors
        read the approved and archived ones of their municipality; the region's staff read the
        region's own roadmaps and every roadmap of its municipalities; viewers and admins read all.
        A municipality reads the approved regional roadmaps of its region (the source of its
        cascaded plans)."""
        published = [Roadmap.Status.APPROVED, Roadmap.Status.ARCHIVED]
        return self.filter(
            Q(owner__municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(owner__municipality_id__in=access.director_municipality_ids, status__in=published)
            | Q(owner_id__in=access.organization_ids)
            | Q(owner__municipality__isnull=True, owner__region__in=access.regions)
            | Q(
                owner__municipality__isnull=True,
                owner__region__in=_regions_of(access.municipality_ids),
                status__in=published,
            )
        )


def _regions_of(municipality_ids) -> models.QuerySet:
    return Municipality.objects.filter(pk__in=municipality_ids).values("region")


class Roadmap(ApprovedByOrder):
    """Дорожная карта (план мероприятий): owned by an authority, a region or a school, for a period,
    approved by an order and then frozen; changed after approval only by an amendment (new version)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        ON_APPROVAL = "on_approval", "На утверждении"
        APPROVED = "approved", "Утверждена"
        ARCHIVED = "archived", "В архиве"

    class Level(models.TextChoices):
        REGIONAL = "regional", "Региональный"
        MUNICIPAL = "municipal", "Муниципальный"
        SCHOOL = "school", "Уровень ОО"

    class PeriodKind(models.TextChoices):
        ACADEMIC = "academic", "Учебный год"
        CALENDAR = "calendar", "Календарные годы"

    class Stamp(models.TextChoices):
        APPROVAL = "approval", "Гриф «УТВЕРЖДАЮ»"
        APPENDIX = "appendix", "Приложение к приказу"

    owner = models.ForeignKey(
        Organization, verbose_name="организация-владелец", on_delete=models.PROTECT, related_name="roadmaps"
    )
    level = models.CharField("уровень", max_length=20, choices=Level.choices, default=Level.MUNICIPAL)
    code = models.CharField("шифр", max_length=20, blank=True, help_text="Например, 1.1 — номер направления")
    title = models.TextField("наименование")
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    period_kind = models.CharField(
        "вид периода", max_length=20, choices=PeriodKind.choices, default=PeriodKind.ACADEMIC
    )
    basis_title = models.TextField("основание: наименование документа", blank=True)
    basis_number = models.CharField("основание: номер", max_length=100, blank=True)
    basis_date = models.DateField("основание: дата", null=True, blank=True)
    approver_position = models.CharField("утверждает: должность", max_length=300, blank=True)
    approver_name = models.CharField("утверждает: ФИО", max_length=200, blank=True)
    stamp = models.CharField("гриф при печати", max_length=20, choices=Stamp.choices, default=Stamp.APPROVAL)
    appendix_number = models.CharField("номер приложения", max_length=20, blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_comment = models.TextField("замечания при возврате", blank=True)
    version = models.PositiveIntegerField("версия", default=1)
    amends = models.ForeignKey(
        "self",
        verbose_name="изменяет версию",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    lock_version = models.PositiveIntegerField("версия записи", default=0)
    copied_from = models.ForeignKey(
        "self",
        verbose_name="скопирована из",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    review_flags = models.JSONField(
        "требует проверки после копирования", default=list, blank=True, help_text="Тексты с годом прежнего периода"
    )
    # «Доведено до муниципалитетов»: the municipality's plan made from this regional roadmap's
    # municipal-level texts (roadmaps.cascade). An amendment of it keeps the link.
    cascaded_from = models.ForeignKey(
        "self",
        verbose_name="доведена из региональной карты",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cascaded",
    )

    history = HistoricalRecords()
    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-period_start", "code", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(period_start__lt=models.F("period_end")), name="roadmap_period_order"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "archived"]) | Q(approval_order__isnull=False),
                name="roadmap_approved_has_order",
            ),
            # publishing twice never makes a second plan for the same municipality (versions aside)
            models.UniqueConstraint(
                fields=["cascaded_from", "owner", "version"],
                condition=Q(cascaded_from__isnull=False),
                name="roadmap_one_cascade_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def period_label(self) -> str:
        """«2022/2023 учебный год» or «2021–2022 годы» / «2022 год»."""
        start, end = self.period_start.year, self.period_end.year
        if self.period_kind == self.PeriodKind.ACADEMIC:
            return f"{start}/{end} учебный год" if start != end else f"{start} учебный год"
        return f"{start}–{end} годы" if start != end else f"{start} год"


class Section(models.Model):
    """Раздел дорожной карты: направление каталога (с треками и типом функции) или свободный
    нумерованный заголовок («1. Мероприятия с работниками органов …», seed 002)."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", "Направление"
        HEADING = "heading", "Заголовок"

    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField("порядок", default=0)
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.DIRECTION)
    direction = models.ForeignKey(
        Direction, verbose_name="направление", null=True, blank=True, on_delete=models.PROTECT
    )
    tracks = models.ManyToManyField(Track, verbose_name="треки", blank=True)
    function_type = models.ForeignKey(
        FunctionType, verbose_name="тип функции", null=True, blank=True, on_delete=models.PROTECT
    )
    number = models.CharField("номер", max_length=20, blank=True, help_text="Пусто — по порядку")
    heading = models.TextField("заголовок", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "раздел"
        verbose_name_plural = "разделы"
        ordering = ["roadmap", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="heading", direction__isnull=True) | Q(kind="direction", direction__isnull=False),
                name="section_kind_matches_direction",
            )
        ]

    def __str__(self) -> str:
        return self.heading or str(self.direction)


class Measure(models.Model):
    """Мероприятие дорожной карты: описание, срок (текст и разбор), исполнители, перечень действий,
    ожидаемый результат с видами подтверждающих документов, необязательный количественный показатель."""

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", "не менее"
        AT_MOST = "lte", "не более"
        EQUAL = "eq", "равно"
        PRESENT = "present", "наличие"

    section = models.ForeignKey(Section, verbose_name="раздел", on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveIntegerField("порядок", default=0)
    number = models.CharField(
        "номер", max_length=20, blank=True, help_text="Пусто — автоматически по положению (1, 1.1, 2.3)"
    )
    description = models.TextField("наименование мероприятия / описание")
    # A regional roadmap (seed 003) writes each line at three levels side by side: `description`
    # is the line of the roadmap's own level, these two are what it asks of the levels below.
    municipal_text = models.TextField("муниципальный уровень", blank=True)
    school_text = models.TextField("уровень ОО", blank=True)
    deadline_text = models.CharField("сроки (как написано)", max_length=500, blank=True)
    deadline = models.JSONField("сроки (разбор)", default=dict, blank=True)
    deadline_manual = models.BooleanField("даты заданы вручную", default=False)
    actions = models.JSONField("перечень действий", default=list, blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    evidence_kinds = models.ManyToManyField(EvidenceKind, verbose_name="подтверждающие документы", blank=True)
    target_comparator = models.CharField("показатель: сравнение", max_length=10, choices=Comparator.choices, blank=True)
    target_value = models.DecimalField("показатель: значение", max_digits=12, decimal_places=3, null=True, blank=True)
    target_unit = models.CharField("показатель: единица", max_length=50, blank=True)
    target_per_year = models.JSONField("показатель по годам", default=dict, blank=True)
    target_text = models.CharField("показатель (как написано)", max_length=500, blank=True)
    # A soft reference to a monitoring indicator (its code): roadmaps may not import monitoring
    # (import-linter), so the catalogue is reached through `roadmaps.attainment`'s registry.
    target_indicator_code = models.CharField("показатель: из мониторинга (код)", max_length=60, blank=True)
    stage = models.ForeignKey(CycleStage, verbose_name="этап цикла", null=True, blank=True, on_delete=models.PROTECT)
    note = models.TextField("примечание", blank=True)
    lock_version = models.PositiveIntegerField("версия записи", default=0)
    # Stable across versions: an amendment copies the key, so versions are compared measure by measure.
    key = models.UUIDField("ключ мероприятия в версиях", default=uuid.uuid4, editable=False, db_index=True)
    # A municipality's measure made from a regional measure by the cascade: from its municipal-level
    # text (`cascade_level` municipal) or its school-level text (school: assigned to the schools).
    regional_measure = models.ForeignKey(
        "self",
        verbose_name="мероприятие региональной карты",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cascaded",
    )
    cascade_level = models.CharField(
        "уровень в региональной карте", max_length=20, choices=Roadmap.Level.choices, blank=True
    )
    review_flags = models.JSONField(
        "требует проверки после копирования", default=list, blank=True, help_text="Тексты с годом прежнего периода"
    )

    history = HistoricalRecords(m2m_fields=[evidence_kinds])

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["section__order", "order"]

    # The number a person sees («1.1.») belongs to the roadmap's table, not to the row: it is
    # `roadmaps.table.measure_number(measure)`, and a list page fills `table_number` on its rows
    # with `roadmaps.table.number_measures`. The model does not reach up to the table.
    def __str__(self) -> str:
        return self.description[:80].strip()


class MeasureExecutor(models.Model):
    """Ответственный исполнитель мероприятия: организация муниципалитета или вид исполнителя,
    с отметкой «ответственный (головной)» и уточнением («совместно с ДМиС»)."""

    measure = models.ForeignKey(Measure, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="executors")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", null=True, blank=True, on_delete=models.PROTECT
    )
    executor_kind = models.ForeignKey(
        ExecutorKind, verbose_name="вид исполнителя", null=True, blank=True, on_delete=models.PROTECT
    )
    is_lead = models.BooleanField("ответственный", default=False)
    qualifier = models.CharField("уточнение", max_length=300, blank=True)
    order = models.PositiveIntegerField("порядок", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "исполнитель"
        verbose_name_plural = "исполнители"
        ordering = ["measure", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(executor_kind__isnull=False) | ~Q(qualifier=""),
                name="executor_names_someone",
            )
        ]

    def __str__(self) -> str:
        who = str(self.organization or self.executor_kind or "")
        return f"{who} {self.qualifier}".strip()
