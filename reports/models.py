"""Generated files (отчёты): PDFs and workbooks rendered in the background and kept for download."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from monitoring.models import Assessment, Recommendation, ZoningMethod
from roadmaps.models import Order, Roadmap
from schools.access import ScopedQuerySet


class ReportFileQuerySet(ScopedQuerySet):
    everything_for_those_who_see_everything = False  # only files of a roadmap, an order or a method

    def scope(self, access, user):
        """A file is visible to whoever may read the roadmap or the order it was made from; an
        execution report only to the person who made it and the municipality's staff, because it
        was cut to what its author sees (a director's report holds their school only, a methodist's
        every school, which another school's director may not see)."""
        readable = Q(roadmap__in=Roadmap.objects.for_user(user)) | Q(order__in=Order.objects.for_user(user))
        if access.follows_execution:  # the zoning report lists every school: staff and viewers only
            readable |= Q(zoning_method__in=ZoningMethod.objects.for_user(user))
            # so does a recommendation's document: every addressee with its answer
            readable |= Q(recommendation__in=Recommendation.objects.for_user(user))
        # an analytic report's files: whoever reads the report (a director their school's, approved)
        readable |= Q(spravka__in=AnalyticReport.objects.for_user(user))
        if access.sees_everything:  # a self-assessment: whoever reads the municipality's (not directors)
            readable |= Q(municipality__isnull=False)
        elif access.follows_execution:
            readable |= Q(municipality_id__in=access.municipality_ids | access.region_municipality_ids)
        readable = self.filter(readable)
        if access.sees_everything:
            return readable
        return readable.filter(
            ~Q(kind__in=[ReportFile.Kind.EXECUTION_PDF, ReportFile.Kind.EXECUTION_XLSX])
            | Q(created_by=user)
            | Q(roadmap__owner__municipality_id__in=access.municipality_ids)
        )


class ReportFile(models.Model):
    """Сформированный файл: печатная форма дорожной карты, приказа, отчёта об исполнении или о зонировании."""

    class Kind(models.TextChoices):
        ROADMAP_PDF = "roadmap_pdf", "Дорожная карта (PDF)"
        ROADMAP_XLSX = "roadmap_xlsx", "Дорожная карта (Excel)"
        ORDER_PDF = "order_pdf", "Приказ с приложениями (PDF)"
        ROADMAP_DOCX = "roadmap_docx", "Дорожная карта (Word)"
        ORDER_DOCX = "order_docx", "Приказ с приложениями (Word)"
        EXECUTION_PDF = "execution_pdf", "Отчёт об исполнении (PDF)"
        EXECUTION_XLSX = "execution_xlsx", "Отчёт об исполнении (Excel)"
        ZONING_PDF = "zoning_pdf", "Отчёт о зонировании (PDF)"
        RECOMMENDATION_PDF = "recommendation_pdf", "Адресная рекомендация и её исполнение (PDF)"
        EFFECTIVENESS_PDF = "effectiveness_pdf", "Анализ эффективности принятых мер (PDF)"
        SPRAVKA_PDF = "spravka_pdf", "Аналитическая справка (PDF)"
        SPRAVKA_DOCX = "spravka_docx", "Аналитическая справка (Word)"
        SELFASSESSMENT_PDF = "selfassessment_pdf", "Самооценка механизмов управления качеством (PDF)"
        SELFASSESSMENT_DOCX = "selfassessment_docx", "Самооценка механизмов управления качеством (Word)"
        ROADMAP_IMPORT = "roadmap_import", "Загруженная книга Excel (исходный файл)"

    kind = models.CharField("вид", max_length=30, choices=Kind.choices)
    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        Order, verbose_name="приказ", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    zoning_method = models.ForeignKey(
        ZoningMethod,
        verbose_name="методика зонирования",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name="адресная рекомендация",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    spravka = models.ForeignKey(
        "reports.AnalyticReport",
        verbose_name="аналитическая справка",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # A document of the municipality as a whole (its self-assessment for a year, in `params`).
    municipality = models.ForeignKey(
        "schools.Municipality",
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField("файл", upload_to="reports/%Y/%m/", max_length=300)
    filename = models.CharField("имя файла", max_length=255)
    size = models.PositiveBigIntegerField("размер, байт", default=0)
    pages = models.PositiveIntegerField("страниц", default=0)
    params = models.JSONField("параметры", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="сформировал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("сформирован", auto_now_add=True)

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        verbose_name = "сформированный файл"
        verbose_name_plural = "сформированные файлы"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(roadmap__isnull=False)
                | Q(order__isnull=False)
                | Q(zoning_method__isnull=False)
                | Q(recommendation__isnull=False)
                | Q(spravka__isnull=False)
                | Q(municipality__isnull=False),
                name="report_file_has_source",
            )
        ]

    def __str__(self) -> str:
        return self.filename


class AnalyticReportQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """The municipality's staff (and the region's) read every справка of the municipality; a
        director reads the approved справки about their own school, never a draft and never the
        municipality's (it ranks the other schools)."""
        return self.filter(
            Q(municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(organization_id__in=access.organization_ids, status=AnalyticReport.Status.APPROVED)
        )


class AnalyticReport(models.Model):
    """Аналитическая справка: the results of an assessment (ВПР by subject and grade, ОГЭ, ЕГЭ, КДР) or
    a direction's indicators in a year, for the municipality or one school. Its numbers and the
    statements made from them are frozen in `content` when generated (an approved document does not
    drift when data are re-imported; a draft may be regenerated); the methodist writes «Выводы и
    рекомендации»; an official approves it. Status changes only through reports.spravka.services."""

    class Subject(models.TextChoices):
        ASSESSMENT = "assessment", "Оценочная процедура"
        DIRECTION = "direction", "Показатели направления"

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        APPROVED = "approved", "Утверждена"

    municipality = models.ForeignKey(
        "schools.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "schools.Organization",
        verbose_name="организация (пусто — муниципалитет)",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.CharField("предмет справки", max_length=20, choices=Subject.choices)
    assessment = models.ForeignKey(
        Assessment, verbose_name="процедура", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    direction_code = models.CharField("направление (код)", max_length=20, blank=True)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    title = models.CharField("заголовок", max_length=500)
    content = models.JSONField("содержание (рассчитано)", default=dict, blank=True)
    generated_at = models.DateTimeField("рассчитана", null=True, blank=True)
    conclusions = models.TextField("выводы и рекомендации", blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="составил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField("утверждена", null=True, blank=True)
    history = HistoricalRecords()

    objects = AnalyticReportQuerySet.as_manager()

    class Meta:
        verbose_name = "аналитическая справка"
        verbose_name_plural = "аналитические справки"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject="assessment", assessment__isnull=False)
                | (Q(subject="direction", assessment__isnull=True) & ~Q(direction_code="")),
                name="spravka_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False), name="spravka_approved_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PublicationQuerySet(ScopedQuerySet):
    everything_for_those_who_see_everything = True

    def scope(self, access, user):
        """Staff manage the publications of their municipalities; everyone reads what is public
        through `public()`, not through this."""
        return self.filter(municipality_id__in=access.municipality_ids)

    def public(self):
        return self.filter(withdrawn_at__isnull=True)


class Publication(models.Model):
    """Публикация на открытой странице муниципалитета: a document as it was printed (the kept PDF of
    an approved roadmap, a signed order, an addressed recommendation, an analysis of the measures'
    effectiveness), the summary of an approved zoning (counts by zone), or the indicator values of a
    year (municipality and schools, small groups hidden). An official publishes and withdraws it;
    anonymous visitors see only what is published and not withdrawn."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Документ"
        ZONING = "zoning", "Итоги зонирования"
        INDICATORS = "indicators", "Значения показателей"

    municipality = models.ForeignKey(
        "schools.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    title = models.CharField("заголовок", max_length=500)
    file = models.ForeignKey(
        ReportFile, verbose_name="файл", null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    zoning_method = models.ForeignKey(
        ZoningMethod, verbose_name="методика", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("учебный год (год окончания)", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="опубликовал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("опубликовано", auto_now_add=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="снял",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("снято с публикации", null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "публикация"
        verbose_name_plural = "публикации"
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="document", file__isnull=False)
                | Q(kind="zoning", zoning_method__isnull=False)
                | Q(kind="indicators", year__isnull=False),
                name="publication_has_its_source",
            )
        ]

    def __str__(self) -> str:
        return self.title
