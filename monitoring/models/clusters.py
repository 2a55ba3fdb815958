"""Peer groups (кластеры) of a municipality's schools for a year, built from their context data by
an explicit rule, with the choice (method, variables, number of bands) kept beside the result."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class ClusteringQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """The municipality's staff and the region's staff read it; a director does not (its members
        and their context data are other schools')."""
        return self.filter(municipality_id__in=access.municipality_ids | access.region_municipality_ids)


class Clustering(models.Model):
    """Кластеризация школ муниципалитета за учебный год: метод, переменные контекста, число групп по
    каждой переменной и пороги, по которым школы разнесены по кластерам. One per municipality and
    year: computing again replaces its clusters."""

    class Method(models.TextChoices):
        QUANTILE = "quantile", "Квантильные группы по выбранным показателям контекста"

    municipality = models.ForeignKey(Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    method = models.CharField("метод", max_length=20, choices=Method.choices, default=Method.QUANTILE)
    variables = models.JSONField("переменные", default=list)
    bands = models.PositiveSmallIntegerField("групп по каждой переменной", default=3)
    # {variable: [cut, …]}: a school whose value is at most the first cut is in the lowest band, etc.
    cuts = models.JSONField("пороги групп", default=dict, blank=True)
    unassigned = models.JSONField("не распределены (нет контекста)", default=list, blank=True)
    computed_at = models.DateTimeField("рассчитана", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ClusteringQuerySet.as_manager()

    class Meta:
        verbose_name = "кластеризация школ"
        verbose_name_plural = "кластеризации школ"
        ordering = ["-year", "municipality"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="clustering_unique_year"),
            models.CheckConstraint(condition=Q(bands__gte=2) & Q(bands__lte=4), name="clustering_bands_range"),
        ]

    def __str__(self) -> str:
        return f"Кластеры школ {self.municipality}, {self.year - 1}/{self.year}"


class Cluster(models.Model):
    """Кластер (группа сопоставимых школ): описание словами («малочисленные сельские») и средние
    значения переменных по его школам."""

    clustering = models.ForeignKey(
        Clustering, verbose_name="кластеризация", on_delete=models.CASCADE, related_name="clusters"
    )
    key = models.CharField("ключ", max_length=60, help_text="Номера групп по каждой переменной")
    label = models.CharField("кластер", max_length=300)
    description = models.TextField("описание", blank=True)
    size = models.PositiveIntegerField("школ", default=0)
    means = models.JSONField("средние значения", default=dict)
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "кластер"
        verbose_name_plural = "кластеры"
        ordering = ["clustering", "order"]
        constraints = [models.UniqueConstraint(fields=["clustering", "key"], name="cluster_unique_key")]

    def __str__(self) -> str:
        return self.label


class ClusterMember(models.Model):
    """Школа в кластере, с её значениями переменных, по которым её отнесли к нему."""

    clustering = models.ForeignKey(
        Clustering, verbose_name="кластеризация", on_delete=models.CASCADE, related_name="members"
    )
    cluster = models.ForeignKey(Cluster, verbose_name="кластер", on_delete=models.CASCADE, related_name="members")
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.CASCADE, related_name="cluster_memberships"
    )
    values = models.JSONField("значения переменных", default=dict)

    class Meta:
        verbose_name = "школа кластера"
        verbose_name_plural = "школы кластеров"
        ordering = ["cluster", "organization__code"]
        constraints = [
            models.UniqueConstraint(fields=["clustering", "organization"], name="cluster_member_unique_school")
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.cluster}"
