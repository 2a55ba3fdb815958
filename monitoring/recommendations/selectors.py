"""Reads of addressed recommendations: who sees which, and the summary of their execution."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from monitoring.models import Recommendation, RecommendationAddressee, RecommendationFile
from schools.access import access_for

Status = RecommendationAddressee.Status


def recommendations_for(user):
    return (
        Recommendation.objects.for_user(user)
        .select_related("municipality", "zoning_method")
        .annotate(addressee_count=Count("addressees", distinct=True))
        .order_by("-created_at", "-pk")
    )


#: The to-do filters of the list, as the home counts them.
WAITING = {
    # the methodist: answers reported and not decided yet
    "decide": lambda access: {"addressees__status": Status.REPORTED},
    # the director: their organisation's answer not given, or asked to be completed
    "answer": lambda access: {
        "addressees__organization_id__in": access.organization_ids,
        "addressees__status__in": [Status.SENT, Status.PARTLY, Status.NOT_DONE],
    },
}


def recommendations_waiting(user, what: str):
    """The recommendations waiting for the person (`what` is a key of WAITING), once each."""
    access = access_for(user)
    return recommendations_for(user).filter(
        pk__in=Recommendation.objects.for_user(user).filter(**WAITING[what](access)).values("pk")
    )


def recommendation_get(user, pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.for_user(user).select_related("municipality", "created_by"), pk=pk)


def addressees_visible(user, recommendation: Recommendation):
    """The municipality's staff and those who see everything read every addressee; a director only
    the organisations they direct (another school's report is not theirs to read)."""
    access = access_for(user)
    addressees = recommendation.addressees.select_related("organization", "reported_by", "decided_by").prefetch_related(
        Prefetch("files", queryset=RecommendationFile.objects.order_by("uploaded_at", "pk"))
    )
    municipality_id = recommendation.municipality_id
    if (
        access.sees_everything
        or municipality_id in access.municipality_ids
        or municipality_id in access.region_municipality_ids
    ):
        return addressees
    return addressees.filter(organization_id__in=access.organization_ids)


def addressee_get(user, pk: int) -> RecommendationAddressee:
    addressee = get_object_or_404(
        RecommendationAddressee.objects.select_related("recommendation", "organization"), pk=pk
    )
    if not addressees_visible(user, recommendation_get(user, addressee.recommendation_id)).filter(pk=pk).exists():
        raise Http404("Нет такого адресата рекомендации")
    return addressee


def file_get(user, pk: int) -> RecommendationFile:
    stored = get_object_or_404(RecommendationFile.objects.select_related("addressee"), pk=pk)
    addressee_get(user, stored.addressee_id)
    return stored


@dataclass(frozen=True)
class Summary:
    """How far the recommendation is carried out: addressees by state, and the share decided done."""

    total: int
    counts: list[tuple[str, str, int]]  # (status, label, count) in the order of the cycle
    done_share: float | None

    @property
    def done_percent(self) -> int | None:
        return round(self.done_share * 100) if self.done_share is not None else None


def summary(addressees) -> Summary:
    counted = {status: 0 for status in Status.values}
    for addressee in addressees:
        counted[addressee.status] += 1
    total = sum(counted.values())
    return Summary(
        total=total,
        counts=[(status, label, counted[status]) for status, label in Status.choices],
        done_share=counted[Status.DONE] / total if total else None,
    )
