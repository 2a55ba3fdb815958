"""Reads of roadmaps: versions and their difference, the change history (the table: roadmaps.table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from roadmaps.filters import RoadmapFilter
from roadmaps.groups import group_choices, group_members
from roadmaps.models import EvidenceKind, Measure, Order, Roadmap, Section
from roadmaps.services import MEASURE_FIELD_LABELS
from roadmaps.table import decimal_text
from schools.models import Organization


def roadmap_get(*, user, pk: int) -> Roadmap:
    """The roadmap if the person may see it; 404 otherwise."""
    return get_object_or_404(
        Roadmap.objects.for_user(user).select_related(
            "owner__municipality", "approval_order", "amends", "copied_from", "cascaded_from"
        ),
        pk=pk,
    )


def roadmaps_filtered(user, params) -> tuple[RoadmapFilter, QuerySet]:
    """The roadmap list as filtered by `params` (the page's query): the list page shows it and the
    home counts it, so a counter and its list cannot disagree."""
    queryset = Roadmap.objects.for_user(user).select_related("owner__municipality", "approval_order")
    filterset = RoadmapFilter(params or None, queryset=queryset, user=user)
    return filterset, (filterset.qs if filterset.is_bound and filterset.is_valid() else queryset)


def roadmap_versions(roadmap: Roadmap) -> list[Roadmap]:
    """The chain of versions this roadmap belongs to, oldest first (amends → amendments)."""
    root, seen = roadmap, {roadmap.pk}
    while root.amends_id and root.amends_id not in seen:
        root = Roadmap.objects.get(pk=root.amends_id)
        seen.add(root.pk)
    versions = [root]
    while len(versions) < 100:
        following = Roadmap.objects.filter(amends=versions[-1]).order_by("version", "pk").first()
        if following is None or following in versions:
            break
        versions.append(following)
    return versions


# ---------------------------------------------------------------------------------------------
# Difference between two versions
# ---------------------------------------------------------------------------------------------

COMPARED = [
    "number",
    "description",
    "deadline_text",
    "actions",
    "expected_result",
    "target_text",
    "target_comparator",
    "target_value",
    "target_unit",
    "note",
]


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class ChangedMeasure:
    old: Measure
    new: Measure
    changes: list[Change]


@dataclass
class RoadmapDiff:
    added: list[Measure]
    removed: list[Measure]
    changed: list[ChangedMeasure]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _as_text(value, field=None) -> str:
    """A stored value as a person reads it: a choice by its label («на согласовании», not
    «on_approval»), a number with a decimal comma, values by year as «2026 — 0,337», a date as
    01.09.2026, an empty value as nothing (the page prints «—»)."""
    if value is None or value == "":
        return ""
    if field is not None and field.choices and isinstance(value, str | int):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):  # target_per_year: {"2026": "0.337"}
        return "; ".join(f"{key} — {str(item).replace('.', ',')}" for key, item in value.items())
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _executors_text(measure: Measure) -> str:
    return "; ".join(
        (("★ " if e.is_lead else "") + str(e)).strip() for e in sorted(measure.executors.all(), key=lambda e: e.order)
    )


def _measures_of(roadmap: Roadmap) -> dict:
    measures = (
        Measure.objects.filter(section__roadmap=roadmap)
        .select_related("stage", "section__direction")
        .prefetch_related("evidence_kinds", "executors__organization", "executors__executor_kind")
        .order_by("section__order", "order", "pk")
    )
    return {m.key: m for m in measures}


def roadmap_diff(old: Roadmap, new: Roadmap) -> RoadmapDiff:
    """Measures added, removed and changed from `old` to `new`, matched by their version key."""
    before, after = _measures_of(old), _measures_of(new)
    added = [m for key, m in after.items() if key not in before]
    removed = [m for key, m in before.items() if key not in after]
    changed = []
    for key, new_measure in after.items():
        old_measure = before.get(key)
        if old_measure is None:
            continue
        changes = []
        for name in COMPARED:
            field = Measure._meta.get_field(name)
            a, b = _as_text(getattr(old_measure, name), field), _as_text(getattr(new_measure, name), field)
            if a != b:
                changes.append(Change(MEASURE_FIELD_LABELS.get(name, name), a, b))
        if old_measure.stage_id != new_measure.stage_id:
            changes.append(Change("этап цикла", _as_text(old_measure.stage), _as_text(new_measure.stage)))
        old_kinds = "; ".join(sorted(str(k) for k in old_measure.evidence_kinds.all()))
        new_kinds = "; ".join(sorted(str(k) for k in new_measure.evidence_kinds.all()))
        if old_kinds != new_kinds:
            changes.append(Change("подтверждающие документы", old_kinds, new_kinds))
        old_exec, new_exec = _executors_text(old_measure), _executors_text(new_measure)
        if old_exec != new_exec:
            changes.append(Change("исполнители", old_exec, new_exec))
        if old_measure.section.direction_id != new_measure.section.direction_id or (
            old_measure.section.heading != new_measure.section.heading
        ):
            changes.append(Change("раздел", str(old_measure.section), str(new_measure.section)))
        if changes:
            changed.append(ChangedMeasure(old=old_measure, new=new_measure, changes=changes))
    return RoadmapDiff(added=added, removed=removed, changed=changed)


# ---------------------------------------------------------------------------------------------
# History: who, when, what changed
# ---------------------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    action: str
    changes: list[Change]


ACTIONS = {"+": "создано", "~": "изменено", "-": "удалено"}
ROADMAP_LABELS = {
    "status": "состояние",
    "title": "наименование",
    "period_start": "начало периода",
    "period_end": "окончание периода",
    "approval_order": "приказ об утверждении",
    "return_comment": "замечания",
    "approver_position": "утверждает: должность",
    "approver_name": "утверждает: ФИО",
    "basis_title": "основание",
}
SKIPPED = {"lock_version", "updated_at", "created_at", "deadline", "key", "review_flags"}


def _record_changes(record, previous, labels) -> list[Change]:
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=SKIPPED & {f.name for f in record.instance_type._meta.fields})
    changes = []
    for change in delta.changes:
        if change.field in SKIPPED:
            continue
        old, new = change.old, change.new
        if change.field == "evidence_kinds":  # m2m: rows of the through table → the kinds' titles
            titles = dict(EvidenceKind.objects.values_list("pk", "title"))
            old, new = ([titles.get(row.get("evidencekind"), "?") for row in rows or []] for rows in (old, new))
        if change.field == "approval_order":  # the order's name, not its key
            old, new = (str(Order.objects.filter(pk=pk).first() or "") if pk else None for pk in (old, new))
        field = record.instance_type._meta.get_field(change.field)
        if field.many_to_one and change.field != "approval_order":  # the stage's name, not its key
            old, new = (
                str(field.related_model.objects.filter(pk=pk).first() or "") if pk else None for pk in (old, new)
            )
        label = labels.get(change.field) or str(field.verbose_name)
        changes.append(Change(label, _as_text(old, field), _as_text(new, field)))
    return changes


def roadmap_history(roadmap: Roadmap, *, limit: int = 60) -> list[HistoryEntry]:
    """The latest changes to the roadmap, its sections and measures, newest first."""
    section_ids = list(Section.history.filter(roadmap_id=roadmap.pk).values_list("id", flat=True).distinct())
    sources = [
        (Roadmap.history.filter(id=roadmap.pk), ROADMAP_LABELS, lambda r: "дорожная карта"),
        (Section.history.filter(roadmap_id=roadmap.pk), {"order": "порядок", "heading": "заголовок"}, _section_name),
        (Measure.history.filter(section_id__in=section_ids), MEASURE_FIELD_LABELS, _measure_name),
    ]
    picked = []
    for queryset, labels, namer in sources:
        for record in queryset.select_related("history_user").order_by("-history_date", "-history_id")[:limit]:
            picked.append((record, labels, namer))
    picked.sort(key=lambda item: (item[0].history_date, item[0].history_id), reverse=True)
    entries = []
    for record, labels, namer in picked[:limit]:
        previous = record.prev_record if record.history_type == "~" else None
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "система",
                what=namer(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=_record_changes(record, previous, labels),
            )
        )
    return entries


def _section_name(record) -> str:
    return f"раздел «{(record.heading or '')[:60]}»" if record.heading else f"раздел № {record.order}"


def _measure_name(record) -> str:
    return f"мероприятие «{record.description[:70]}»"


# --- the assignment picker ----------------------------------------------------------------------


@dataclass(frozen=True)
class PickerGroup:
    """One «choose all» button of the picker: the key its rows carry and the words on it."""

    key: str
    label: str


@dataclass(frozen=True)
class Picker:
    """The organisations a measure can be assigned to, each with the keys of the groups it is in,
    and the groups by heading: «Тип», «Зона», «Территория» (city or village, then settlement)."""

    rows: list[tuple[Organization, str]]
    headings: list[tuple[str, list[PickerGroup]]]


def assignment_picker(organizations: list[Organization], municipality_id: int) -> Picker:
    """Group the picker's organisations by kind, by zone of an approved method and by territory.
    A heading with one group only (every school rural, say) is left out: it chooses nothing new."""
    keys: dict[int, list[str]] = {organization.pk: [] for organization in organizations}
    headings: list[tuple[str, list[PickerGroup]]] = []

    def add(heading: str, groups: list[tuple[PickerGroup, set[int]]], *, single_ok: bool = False) -> None:
        groups = [(group, members & keys.keys()) for group, members in groups]
        groups = [(group, members) for group, members in groups if members]
        if len(groups) < (1 if single_ok else 2):
            return
        for group, members in groups:
            for pk in members:
                keys[pk].append(group.key)
        headings.append((heading, [group for group, _ in groups]))

    by_kind: dict[str, set[int]] = {}
    for organization in organizations:
        by_kind.setdefault(organization.kind, set()).add(organization.pk)
    kind_labels = dict(Organization.Kind.choices)
    add(
        "Тип",
        [
            (PickerGroup(f"kind-{kind}", f"Все: {kind_labels[kind].split(' (')[0].lower()}"), members)
            for kind, members in by_kind.items()
        ],
        single_ok=True,
    )
    add(
        "Зона",
        [
            (
                PickerGroup(f"group-{n}", label),
                set(
                    (group_members(municipality_id, value) or Organization.objects.none()).values_list("pk", flat=True)
                ),
            )
            for n, (value, label) in enumerate(group_choices(municipality_id))
        ],
        single_ok=True,
    )
    add(
        "Территория",
        [
            (PickerGroup("area-urban", "Городские"), {o.pk for o in organizations if not o.is_rural}),
            (PickerGroup("area-rural", "Сельские"), {o.pk for o in organizations if o.is_rural}),
        ],
    )
    by_place: dict[str, set[int]] = {}
    for organization in organizations:
        if organization.settlement:
            by_place.setdefault(organization.settlement, set()).add(organization.pk)
    add(
        "Населённый пункт",
        [(PickerGroup(f"place-{n}", place), members) for n, (place, members) in enumerate(sorted(by_place.items()))],
    )
    return Picker(
        rows=[(organization, " ".join(keys[organization.pk])) for organization in organizations],
        headings=headings,
    )
