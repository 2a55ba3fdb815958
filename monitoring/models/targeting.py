"""Closing the cycle: recommendations addressed to organisations from the zones of a method, and
the measures created for exactly those organisations, linked back to the method that caused them.

They live in monitoring, the side that already depends on roadmaps: a roadmap knows nothing of
zones. Their tables keep the names they were created with (`roadmaps_…`), so moving them here
changed no data (monitoring migration 0006)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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
    """Адресная рекомендация: текст для выбранных организаций (например, всех «красных» по
    методике), со ссылкой на методику зонирования и на созданные по ней мероприятия."""

    class Status(models.TextChoices):
        SENT = "sent", "Направлена"
        IN_WORK = "in_work", "В работе"
        DONE = "done", "Выполнена"

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
