"""Reads of the deficit–resource map.

A school is in deficit on a rule of the zoning method when that rule's colour in its zone is red
(the value is in the red range the approved method sets). It is a resource when the rule is green
for it and it has recorded a good practice: evidence of the kind «Лучшая практика» on one of its
occurrences (not returned by the reviewer). Each school in deficit is offered one resource: of its
own cluster first, else of the municipality; among them the best value of the indicator, then the
one with fewer pairs on the same rule, then the code."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from monitoring.clusters.selectors import clustering_for
from monitoring.models import Colour, IndicatorDefinition, TargetedMeasure, Zone, ZoningMethod
from roadmaps.models import Assignment, Direction, Evidence, Measure

BEST_PRACTICE = "best_practice"


@dataclass
class Place:
    organization_id: int
    code: str
    name: str
    value: float | None
    cluster: str = ""
    cluster_id: int | None = None
    practices: list[str] = field(default_factory=list)


@dataclass
class Pair:
    deficit: Place
    resource: Place
    same_cluster: bool
    measure: Measure | None = None  # the measure this pair already became, if any

    @property
    def reason(self) -> str:
        return f"один кластер: «{self.resource.cluster}»" if self.same_cluster else "тот же муниципалитет"


@dataclass
class RuleMap:
    rule_id: int
    indicator: IndicatorDefinition
    slice_label: str
    deficits: list[Place] = field(default_factory=list)
    resources: list[Place] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    unpaired: list[Place] = field(default_factory=list)


@dataclass
class DirectionMap:
    code: str
    title: str
    rules: list[RuleMap] = field(default_factory=list)


def good_practices(municipality_id: int) -> dict[int, list[str]]:
    """{organisation id: titles of its recorded good practices} of the municipality."""
    rows = (
        Evidence.objects.filter(kind__code=BEST_PRACTICE, assignment__organization__municipality_id=municipality_id)
        .exclude(assignment__status=Assignment.Status.RETURNED)
        .order_by("assignment__organization_id", "uploaded_at")
        .values_list("assignment__organization_id", "title")
    )
    practices = defaultdict(list)
    for organization_id, title in rows:
        if title not in practices[organization_id]:
            practices[organization_id].append(title)
    return dict(practices)


def _better(indicator: IndicatorDefinition):
    """A sort key putting the best value first."""
    sign = -1 if indicator.better == IndicatorDefinition.Better.LOWER else 1

    def key(place: Place):
        return -sign * (place.value if place.value is not None else float("-inf") * sign)

    return key


def deficit_map(method: ZoningMethod) -> list[DirectionMap]:
    rules = list(method.rules.select_related("indicator").order_by("order", "pk"))
    zones = (
        Zone.objects.filter(method=method)
        .select_related("organization")
        .only("explanation", "organization__code", "organization__short_name", "organization_id")
    )
    clustering = clustering_for(method.municipality_id, method.year)
    clusters = {}
    if clustering is not None:
        clusters = {
            organization_id: (cluster_id, label)
            for organization_id, cluster_id, label in clustering.members.values_list(
                "organization_id", "cluster_id", "cluster__label"
            )
        }
    practices = good_practices(method.municipality_id)
    by_rule = {rule.pk: RuleMap(rule.pk, rule.indicator, rule.slice_label) for rule in rules}
    for zone in zones.order_by("organization__code"):
        organization = zone.organization
        cluster_id, label = clusters.get(organization.pk, (None, ""))
        for item in zone.explanation:
            entry = by_rule.get(item.get("rule"))
            if entry is None:
                continue
            place = Place(
                organization.pk, organization.code, organization.short_name, item.get("value"), label, cluster_id
            )
            if item.get("colour") == Colour.RED:
                entry.deficits.append(place)
            elif item.get("colour") == Colour.GREEN and organization.pk in practices:
                place.practices = practices[organization.pk]
                entry.resources.append(place)
    made = pairs_made(method)
    for entry in by_rule.values():
        _pair(entry)
        for pair in entry.pairs:
            pair.measure = made.get(frozenset((pair.deficit.organization_id, pair.resource.organization_id)))
    titles = dict(Direction.objects.values_list("code", "title"))
    directions: dict[str, DirectionMap] = {}
    for rule in rules:
        code = rule.indicator.direction_code
        direction = directions.setdefault(code, DirectionMap(code, titles.get(code, "")))
        direction.rules.append(by_rule[rule.pk])
    return list(directions.values())


def pairs_made(method: ZoningMethod) -> dict[frozenset, Measure]:
    """The pairs of schools the method's map already turned into a measure (targeted at exactly
    those two schools), each with its latest measure."""
    made: dict[frozenset, Measure] = {}
    targetings = (
        TargetedMeasure.objects.filter(zoning_method=method)
        .select_related("measure__section__roadmap")
        .prefetch_related("organizations")
        .order_by("created_at", "pk")
    )
    for targeting in targetings:
        schools = frozenset(organization.pk for organization in targeting.organizations.all())
        if len(schools) == 2:
            made[schools] = targeting.measure
    return made


def _pair(entry: RuleMap) -> None:
    best = _better(entry.indicator)
    load = defaultdict(int)
    for deficit in entry.deficits:
        same = [r for r in entry.resources if deficit.cluster_id is not None and r.cluster_id == deficit.cluster_id]
        candidates = same or entry.resources
        if not candidates:
            entry.unpaired.append(deficit)
            continue
        resource = min(candidates, key=lambda r: (best(r), load[r.organization_id], r.code))
        load[resource.organization_id] += 1
        entry.pairs.append(Pair(deficit, resource, same_cluster=bool(same)))


def find_pair(method: ZoningMethod, rule_id: int, deficit_id: int, resource_id: int) -> tuple[RuleMap, Pair] | None:
    """The pair as the map offers it now: the deficit school red on the rule and the resource green
    with a good practice (any resource of the rule, not only the suggested one)."""
    for direction in deficit_map(method):
        for entry in direction.rules:
            if entry.rule_id != rule_id:
                continue
            deficit = next((p for p in entry.deficits if p.organization_id == deficit_id), None)
            resource = next((p for p in entry.resources if p.organization_id == resource_id), None)
            if deficit is None or resource is None:
                return None
            same = deficit.cluster_id is not None and deficit.cluster_id == resource.cluster_id
            return entry, Pair(deficit, resource, same_cluster=same)
    return None
