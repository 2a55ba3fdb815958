"""Closing the cycle: recommendations addressed to organisations from the zones of a method, and
the measures created for exactly those organisations, linked back to the method that caused them.

They live in monitoring, the side that already depends on roadmaps: a roadmap knows nothing of
zones. Their tables keep the names they were created with (`roadmaps_…`), so moving them here
changed no data (monitoring migration 0006)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from monitoring.models.zoning import ZoningMethod
from roadmaps.models import Measure
from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class RecommendationQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(
            Q(municipality_id__in=access.municipality_ids) | Q(organizations__in=access.organization_ids)
        ).distinct()


class Recommendation(models.Model):
    """Адресная рекомендация: текст для группы адресатов (руководителям ОО, педагогам, школам зоны
    риска, ШНОР…) из выбранных организаций, со ссылкой на методику зонирования и на созданные по ней
    мероприятия. Each addressee answers on its own (`RecommendationAddressee`); the recommendation's
    state follows from theirs and changes only through `monitoring.recommendations.services`."""

    class Status(models.TextChoices):
        SENT = "sent", "Направлена"
        IN_WORK = "in_work", "Исполняется"
        DONE = "done", "Исполнение рассмотрено"

    class Group(models.TextChoices):
        ORGANIZATIONS = "organizations", "образовательным организациям"
        DIRECTORS = "directors", "руководителям ОО"
        TEACHERS = "teachers", "педагогическим работникам"
        RISK_SCHOOLS = "risk_schools", "школам зоны риска"
        LOW_RESULTS = "low_results", "школам с низкими образовательными результатами (ШНОР)"
        PRESCHOOLS = "preschools", "руководителям ДОУ"

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    organizations = models.ManyToManyField(Organization, verbose_name="адресаты", related_name="recommendations")
    text = models.TextField("текст рекомендации")
    zoning_method = models.ForeignKey(
        ZoningMethod,
        verbose_name="методика зонирования",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    zone_colour = models.CharField("по зоне", max_length=10, blank=True)
    measures = models.ManyToManyField(Measure, verbose_name="мероприятия", blank=True, related_name="recommendations")
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.SENT)
    group = models.CharField("адресаты", max_length=20, choices=Group.choices, default=Group.ORGANIZATIONS)
    due_date = models.DateField("срок отчёта об исполнении", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        db_table = "roadmaps_recommendation"
        verbose_name = "адресная рекомендация"
        verbose_name_plural = "адресные рекомендации"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class RecommendationAddressee(models.Model):
    """Адресат рекомендации — one organisation's answer to it: its report (what it did, with
    documents), then the methodist's decision with a comment, and whether it was picked for the
    выборочная проверка. Every change is kept in its history (who, when, what)."""

    class Status(models.TextChoices):
        SENT = "sent", "Направлена"
        REPORTED = "reported", "Отчёт представлен"
        DONE = "done", "Выполнена"
        PARTLY = "partly", "Выполнена частично"
        NOT_DONE = "not_done", "Не выполнена"

    DECISIONS = (Status.DONE, Status.PARTLY, Status.NOT_DONE)

    recommendation = models.ForeignKey(
        Recommendation, verbose_name="рекомендация", on_delete=models.CASCADE, related_name="addressees"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="recommendation_answers"
    )
    status = models.CharField("исполнение", max_length=20, choices=Status.choices, default=Status.SENT)
    report = models.TextField("отчёт организации", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="отчёт представил", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reported_at = models.DateTimeField("отчёт представлен", null=True, blank=True)
    comment = models.TextField("комментарий к решению", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="решение принял", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    sampled = models.BooleanField("в выборочной проверке", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "адресат рекомендации"
        verbose_name_plural = "адресаты рекомендаций"
        ordering = ["organization__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "organization"], name="recommendation_addressee_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_status_display()}"

    @property
    def decided(self) -> bool:
        return self.status in self.DECISIONS


class RecommendationFile(models.Model):
    """A document of an addressee's report (приказ, протокол, справка), checked like evidence."""

    addressee = models.ForeignKey(
        RecommendationAddressee, verbose_name="адресат", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("файл", upload_to="recommendations/%Y/%m/", max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип содержимого", max_length=100)
    size = models.PositiveBigIntegerField("размер, байт", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)

    class Meta:
        verbose_name = "документ отчёта по рекомендации"
        verbose_name_plural = "документы отчётов по рекомендациям"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class TargetedMeasure(models.Model):
    """Адресное мероприятие: a measure created for chosen organisations from a zoning method."""

    measure = models.OneToOneField(
        Measure, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="targeting"
    )
    zoning_method = models.ForeignKey(
        ZoningMethod,
        verbose_name="методика зонирования",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targeted_measures",
    )
    zone_colour = models.CharField("по зоне", max_length=10, blank=True)
    organizations = models.ManyToManyField(Organization, verbose_name="организации", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        db_table = "roadmaps_targetedmeasure"
        verbose_name = "адресное мероприятие"
        verbose_name_plural = "адресные мероприятия"

    def __str__(self) -> str:
        return str(self.measure)
