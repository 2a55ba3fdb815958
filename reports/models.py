"""Generated files (отчёты): PDFs and workbooks rendered in the background and kept for download."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models import Recommendation, ZoningMethod
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
                | Q(recommendation__isnull=False),
                name="report_file_has_source",
            )
        ]

    def __str__(self) -> str:
        return self.filename


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
