"""Reads of the clusters: a municipality's clustering for a year, a school's cluster, and the
cluster averages of indicators the school card and the overview put beside the municipality's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from monitoring.clusters.variables import VARIABLES
from monitoring.models import Cluster, Clustering, ClusterMember, IndicatorValue

#: A cluster's average is shown only over at least this many schools with a value: over two, a
#: director who knows their own school's value would know the other school's.
MIN_CLUSTER_SCHOOLS = 3


def clustering_for(municipality_id: int, year: int | None) -> Clustering | None:
    """The clustering of the year; failing that the latest one before it, or the latest of all
    (context data change slowly: last year's peer groups still describe the schools)."""
    clusterings = Clustering.objects.filter(municipality_id=municipality_id, computed_at__isnull=False).order_by(
        "-year"
    )
    if year is not None:
        found = clusterings.filter(year=year).first() or clusterings.filter(year__lt=year).first()
        if found is not None:
            return found
    return clusterings.first()


def clustering_get(user, pk: int) -> Clustering:
    return get_object_or_404(Clustering.objects.for_user(user).select_related("municipality"), pk=pk)


def clustering_page(clustering: Clustering) -> dict:
    """The clusters with their members and means, and the choice spelt out."""
    clusters = list(clustering.clusters.order_by("order"))
    members = defaultdict(list)
    for member in clustering.members.select_related("organization").order_by("organization__code"):
        members[member.cluster_id].append(member)
    for cluster in clusters:
        cluster.member_list = members[cluster.pk]
        cluster.mean_rows = [
            {"label": VARIABLES[code].label + (", доля сельских" if VARIABLES[code].categorical else ""),
             "unit": "%" if VARIABLES[code].categorical else VARIABLES[code].unit,
             "value": cluster.means.get(code), "chosen": code in clustering.variables}
            for code in VARIABLES
        ]  # fmt: skip
    return {
        "clusters": clusters,
        "variables": [VARIABLES[code] for code in clustering.variables if code in VARIABLES],
        "cut_rows": [
            {"label": VARIABLES[code].label, "unit": VARIABLES[code].unit, "cuts": cuts}
            for code, cuts in clustering.cuts.items()
            if code in VARIABLES
        ],
    }


def member_of(organization_id: int, clustering: Clustering | None) -> ClusterMember | None:
    if clustering is None:
        return None
    return clustering.members.select_related("cluster").filter(organization_id=organization_id).first()


@dataclass(frozen=True)
class ClusterValue:
    """A cluster's participant-weighted value of an indicator (slice) and how many schools it pools."""

    value: float | None
    schools: int
    participants: float

    @property
    def shown(self) -> bool:
        return self.value is not None and self.schools >= MIN_CLUSTER_SCHOOLS


def weighted(rows) -> ClusterValue:
    """Σ value·participants / Σ participants over the schools' values; the plain mean when no value
    has a count of participants (a number reported by schools)."""
    rows = [(value, denominator) for value, denominator in rows if value is not None]
    if not rows:
        return ClusterValue(None, 0, 0)
    weights = sum(d for _, d in rows if d)
    if weights:
        value = sum(v * d for v, d in rows if d) / weights
        return ClusterValue(value, sum(1 for _, d in rows if d), weights)
    return ClusterValue(sum(v for v, _ in rows) / len(rows), len(rows), 0)


def cluster_values(cluster: Cluster, *, year: int, indicator_ids) -> dict[int, ClusterValue]:
    """{indicator id: the cluster's whole-school value of the year}, in one query."""
    members = ClusterMember.objects.filter(cluster=cluster).values("organization_id")
    rows = IndicatorValue.objects.filter(
        organization_id__in=members,
        year=year,
        indicator_id__in=list(indicator_ids),
        subject="",
        grade__isnull=True,
        class_name="",
    ).values_list("indicator_id", "value", "denominator")
    by_indicator = defaultdict(list)
    for indicator_id, value, denominator in rows:
        by_indicator[indicator_id].append((value, denominator))
    return {indicator_id: weighted(items) for indicator_id, items in by_indicator.items()}


def clusters_by_rules(clustering: Clustering, *, municipality_id: int, year: int, rules) -> list[dict]:
    """For the overview: each cluster's weighted value of each rule of a zoning method (an
    indicator as a whole or in its subject / grade slice), in one query over the values."""
    rules = list(rules)
    if not rules:
        return []
    cluster_of = dict(clustering.members.values_list("organization_id", "cluster_id"))
    rows = IndicatorValue.objects.filter(
        municipality_id=municipality_id,
        year=year,
        indicator_id__in={rule.indicator_id for rule in rules},
        organization_id__in=list(cluster_of),
        class_name="",
    ).values_list("organization_id", "indicator_id", "subject", "grade", "value", "denominator")
    pooled = defaultdict(list)
    for organization_id, indicator_id, subject, grade, value, denominator in rows:
        pooled[(cluster_of[organization_id], indicator_id, subject, grade)].append((value, denominator))
    result = []
    for cluster in clustering.clusters.order_by("order"):
        cells = [weighted(pooled.get((cluster.pk, rule.indicator_id, rule.subject, rule.grade), [])) for rule in rules]
        result.append({"cluster": cluster, "cells": cells})
    return result
