"""Writes of the clusters: compute a municipality's clustering for a year from its schools' context.

The rule is the one a methodist can check by hand. For each chosen variable the municipality's
schools are sorted by their value and cut into `bands` groups of (nearly) equal size: the cut after
the i-th group is the value of the school at place ⌈i·n/bands⌉ in that order, and a school is in the
lowest group when its value is at most the first cut, in the next when it is above the first and at
most the second, and so on (equal values always fall into the same group). Rural location splits
schools into «сельская» and «городская». A cluster is a combination of groups: «малочисленная
сельская». Nothing is random, so the same data and the same choice give the same clusters."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from monitoring.clusters.variables import BAND_NAMES, CONTEXT_FIELDS, VARIABLES, ContextRow
from monitoring.models import Cluster, Clustering, ClusterMember
from schools.access import access_for, enforce
from schools.models import Municipality, Organization, SchoolContext

CLUSTER_REFUSED = "Кластеры школ рассчитывают методисты и руководители управления образования"
BATCH = 2_000


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def quantile_cuts(values: list[float], bands: int) -> list[float]:
    """The cuts between `bands` groups of the sorted values (see the module's rule)."""
    ordered = sorted(values)
    n = len(ordered)
    return [ordered[math.ceil(i * n / bands) - 1] for i in range(1, bands)] if n else []


def band_of(value: float, cuts: list[float]) -> int:
    return sum(1 for cut in cuts if value > cut)


def band_range(band: int, cuts: list[float], unit: str) -> str:
    """«до 150 чел. включительно», «больше 150 до 420 чел.», «больше 420 чел.»."""
    suffix = f" {unit}" if unit else ""
    if band == 0:
        return f"до {_number(cuts[0])}{suffix} включительно"
    if band == len(cuts):
        return f"больше {_number(cuts[-1])}{suffix}"
    return f"больше {_number(cuts[band - 1])} до {_number(cuts[band])}{suffix} включительно"


def clustering_choice_check(*, variables: list[str], bands: int) -> list[str]:
    unknown = [code for code in variables if code not in VARIABLES]
    if unknown:
        raise ValidationError(f"Неизвестные переменные: {', '.join(unknown)}")
    if not variables:
        raise ValidationError("Выберите хотя бы одну переменную контекста")
    if bands not in BAND_NAMES:
        raise ValidationError("Число групп по каждой переменной: от 2 до 4")
    return [code for code in VARIABLES if code in variables]  # the catalogue's order, each once


@transaction.atomic
def clustering_compute(
    *,
    municipality: Municipality,
    year: int,
    variables: list[str],
    bands: int,
    by,
    progress: Callable[..., None] | None = None,
) -> Clustering:
    """Cluster the municipality's active schools with context data for `year`; the clustering of
    that year, if any, is replaced (its choice too). Schools without context data are listed as
    not assigned."""
    enforce(access_for(by).can_cluster(municipality.pk), CLUSTER_REFUSED)
    variables = clustering_choice_check(variables=variables, bands=bands)
    progress = progress or (lambda *args, **kwargs: None)
    schools = Organization.objects.filter(municipality=municipality, is_active=True).schools()
    contexts = [
        ContextRow(*row)
        for row in SchoolContext.objects.filter(organization__in=schools, year=year)
        .order_by("organization__code")
        .values_list(*CONTEXT_FIELDS)
    ]
    if not contexts:
        raise ValidationError(
            f"Нет контекстных данных школ за {year - 1}/{year} учебный год: загрузите их на странице "
            "«Контекстные данные школ»"
        )
    total = len(contexts)
    progress(0, total + total // BATCH + 2, "Расчёт групп")
    rows = [
        (context.organization_id, {code: VARIABLES[code].read(context) for code in VARIABLES}) for context in contexts
    ]
    cuts = {
        code: quantile_cuts([values[code] for _, values in rows], bands)
        for code in variables
        if not VARIABLES[code].categorical
    }
    keys = {}
    for organization_id, values in rows:
        keys[organization_id] = tuple(
            int(values[code]) if VARIABLES[code].categorical else band_of(values[code], cuts[code])
            for code in variables
        )
    with_context = {organization_id for organization_id, _ in rows}
    unassigned = [
        [code, name]
        for pk, code, name in schools.order_by("code").values_list("pk", "code", "short_name")
        if pk not in with_context
    ]
    clustering, _ = Clustering.objects.update_or_create(
        municipality=municipality,
        year=year,
        defaults={
            "method": Clustering.Method.QUANTILE,
            "variables": variables,
            "bands": bands,
            "cuts": cuts,
            "unassigned": unassigned,
            "computed_at": timezone.now(),
            "created_by": by,
        },
    )
    clustering.clusters.all().delete()  # the members go with them
    members_of = defaultdict(list)
    for organization_id, values in rows:
        members_of[keys[organization_id]].append((organization_id, values))
    clusters = []
    for order, key in enumerate(sorted(members_of), start=1):
        members = members_of[key]
        clusters.append(
            Cluster(
                clustering=clustering,
                key="-".join(str(band) for band in key),
                label=_label(key, variables, bands),
                description=_description(key, variables, bands, cuts),
                size=len(members),
                means={
                    code: round(
                        sum(v[code] for _, v in members) / len(members) * (100 if VARIABLES[code].categorical else 1), 2
                    )
                    for code in VARIABLES
                },
                order=order,
            )
        )
    Cluster.objects.bulk_create(clusters)
    progress(1, message="Группы описаны")
    cluster_of = {tuple(int(band) for band in cluster.key.split("-")): cluster for cluster in clusters}
    done = 1
    batch = []
    for organization_id, values in rows:
        batch.append(
            ClusterMember(
                clustering_id=clustering.pk,
                cluster_id=cluster_of[keys[organization_id]].pk,
                organization_id=organization_id,
                values={code: round(values[code], 2) for code in variables},
            )
        )
        if len(batch) >= BATCH:
            ClusterMember.objects.bulk_create(batch)
            done += len(batch)
            progress(done, message="Школы распределены по кластерам")
            batch = []
    ClusterMember.objects.bulk_create(batch)
    progress(done + len(batch) + 1, message="Готово")
    return clustering


def _label(key: tuple, variables: list[str], bands: int) -> str:
    """«Малочисленная сельская с большой долей детей с ОВЗ»: adjectives first, then «с …» parts."""
    words = [VARIABLES[code].words(band, bands) for code, band in zip(variables, key, strict=True)]
    adjectives = [w for w in words if not w.startswith("с ")]
    phrases = [w for w in words if w.startswith("с ")]
    text = " ".join(adjectives) if adjectives else "школа"
    if phrases:
        text += " " + " и ".join(phrases)
    return text[:1].upper() + text[1:]


def _description(key: tuple, variables: list[str], bands: int, cuts: dict) -> str:
    parts = []
    for code, band in zip(variables, key, strict=True):
        variable = VARIABLES[code]
        if variable.categorical:
            parts.append(f"{variable.label}: {'да' if band else 'нет'}")
        else:
            parts.append(
                f"{variable.label}: {BAND_NAMES[bands][band]} по муниципалитету, "
                f"{band_range(band, cuts[code], variable.unit)}"
            )
    return "; ".join(parts)
