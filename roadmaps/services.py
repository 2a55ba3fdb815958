"""Writes to roadmaps: building a plan, the approval workflow, amendments and copies.

Every function is keyword-only and atomic; a refused write raises with a Russian message and
leaves nothing half-written. An approved or archived roadmap is frozen: every write that
changes the plan refuses it (a change after approval is an amendment, `roadmap_amend`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import AbstractBaseUser as User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from config.audit.services import audit_record
from config.lib.fragments import EXECUTION, ROADMAPS, writes
from config.lib.preconditions import require
from roadmaps import preconditions
from roadmaps.deadlines import DeadlineKind, Occurrence, ParsedDeadline, parse_deadline
from roadmaps.execution.services import notify_assigned
from roadmaps.models import (
    Assignment,
    CycleStage,
    Direction,
    EvidenceKind,
    FunctionType,
    Measure,
    MeasureExecutor,
    Order,
    OrderItem,
    OrderPerson,
    OrderRoadmap,
    Roadmap,
    Section,
    Track,
)
from roadmaps.notifications.services import notify_roadmap_approved, notify_roadmap_returned, notify_roadmap_submitted
from roadmaps.table import measure_numbers
from roadmaps.tasks import notify_roadmap_assignments_task
from schools.access import access_for, enforce
from schools.models import Organization


class RoadmapStateError(Exception):
    """The roadmap's state (or the request) does not allow this write; the message is Russian."""


class MeasureConflictError(Exception):
    """Someone saved the measure after the editor opened it (optimistic locking)."""


ROADMAP_FIELDS = {
    "level",
    "code",
    "title",
    "period_start",
    "period_end",
    "period_kind",
    "basis_title",
    "basis_number",
    "basis_date",
    "approver_position",
    "approver_name",
    "stamp",
    "appendix_number",
}
#: A measure's fields an amendment or a copy carries over as they are (the builder takes the rest).
COPIED_FIELDS = (
    "municipal_text",
    "school_text",
    "actions",
    "expected_result",
    "target_comparator",
    "target_value",
    "target_unit",
    "target_per_year",
    "target_text",
    "target_indicator_code",
    "stage",
    "note",
)
#: The cascade's links (roadmaps.cascade): kept by an amendment of a municipality's cascaded plan,
#: dropped by a copy to another period (a new plan, no longer the one the region brought down).
LINK_FIELDS = ("regional_measure", "cascade_level")
MEASURE_FIELDS = {"number", "description", "deadline_text", *COPIED_FIELDS, *LINK_FIELDS}
MEASURE_FIELD_LABELS = {
    "number": "номер",
    "description": "наименование мероприятия",
    "municipal_text": "муниципальный уровень",
    "school_text": "уровень ОО",
    "deadline_text": "сроки",
    "deadline": "даты сроков",
    "deadline_manual": "даты, заданные вручную",
    "actions": "перечень действий",
    "expected_result": "ожидаемый результат",
    "target_comparator": "показатель: сравнение",
    "target_value": "показатель: значение",
    "target_unit": "показатель: единица",
    "target_per_year": "показатель по годам",
    "target_text": "показатель",
    "target_indicator_code": "показатель мониторинга",
    "stage": "этап цикла",
    "note": "примечание",
    "order": "порядок",
    "evidence_kinds": "подтверждающие документы",
    "executors": "исполнители",
    "regional_measure": "мероприятие региональной карты",
    "cascade_level": "уровень в региональной карте",
}


# ---------------------------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------------------------


def _municipality_id(roadmap: Roadmap) -> int | None:
    return roadmap.owner.municipality_id


EDIT_REFUSED = (
    "Изменять дорожные карты муниципалитета могут только его методисты и специалисты УО, и только черновик: "
    "изменения утверждённой карты вносятся новой версией"
)
APPROVE_REFUSED = "Утверждать дорожные карты может только руководитель (специалист) органа управления"


def _require_draft(roadmap: Roadmap) -> None:
    if roadmap.status != Roadmap.Status.DRAFT:
        raise RoadmapStateError(
            f"Дорожная карта «{roadmap.title[:60]}» в состоянии «{roadmap.get_status_display()}»: изменять можно "
            "только черновик. Изменения утверждённой карты вносятся новой версией."
        )


def _editable(roadmap: Roadmap, by: User) -> None:
    # The caller's instance may be stale (another request approved it meanwhile): ask the database.
    roadmap.status = Roadmap.objects.filter(pk=roadmap.pk).values_list("status", flat=True).get()
    _require_draft(roadmap)
    enforce(access_for(by).can_change(roadmap), EDIT_REFUSED)


def _check_period(period_start: date, period_end: date) -> None:
    if not period_start or not period_end:
        raise RoadmapStateError("Укажите начало и окончание периода")
    if period_start >= period_end:
        raise RoadmapStateError(
            f"Начало периода ({period_start:%d.%m.%Y}) должно быть раньше его окончания ({period_end:%d.%m.%Y})"
        )


# ---------------------------------------------------------------------------------------------
# Roadmaps
# ---------------------------------------------------------------------------------------------


@writes(ROADMAPS, EXECUTION)
def roadmap_create(
    *, owner: Organization, by: User, title: str, period_start: date, period_end: date, **fields
) -> Roadmap:
    enforce(
        access_for(by).can_edit_for(owner),
        "Создавать дорожные карты могут методисты и специалисты УО своего муниципалитета "
        "(региональные — методисты и руководители региональной организации)",
    )
    if not title.strip():
        raise RoadmapStateError("Укажите наименование дорожной карты")
    _check_period(period_start, period_end)
    unknown = set(fields) - ROADMAP_FIELDS
    if unknown:
        raise TypeError(f"unknown roadmap fields: {sorted(unknown)}")
    _check_level(owner, fields.get("level", Roadmap.Level.MUNICIPAL))
    roadmap = Roadmap(
        owner=owner, title=title.strip(), period_start=period_start, period_end=period_end, created_by=by, **fields
    )
    roadmap._history_user = by
    roadmap.save()
    return roadmap


def _check_level(owner: Organization, level: str) -> None:
    # The cascade brings a regional roadmap to the municipalities of its owner's region.
    if level == Roadmap.Level.REGIONAL and owner.municipality_id is not None:
        raise RoadmapStateError(
            "Региональный уровень — только у дорожной карты региональной организации (министерства, РЦОИ, ИРО)"
        )


@writes(ROADMAPS, EXECUTION)
def roadmap_update(*, roadmap: Roadmap, by: User, **fields) -> Roadmap:
    roadmap = Roadmap.objects.select_for_update().select_related("owner").get(pk=roadmap.pk)
    _editable(roadmap, by)
    unknown = set(fields) - ROADMAP_FIELDS
    if unknown:
        raise TypeError(f"unknown roadmap fields: {sorted(unknown)}")
    period_changed = any(
        name in fields and fields[name] != getattr(roadmap, name) for name in ("period_start", "period_end")
    )
    for name, value in fields.items():
        setattr(roadmap, name, value)
    _check_period(roadmap.period_start, roadmap.period_end)
    _check_level(roadmap.owner, roadmap.level)
    roadmap.lock_version += 1
    roadmap._history_user = by
    roadmap.save()
    if period_changed:
        for measure in Measure.objects.filter(section__roadmap=roadmap, deadline_manual=False):
            _parse_into(measure, roadmap)
            measure._history_user = by
            measure.save(update_fields=["deadline"])
            if measure.assignments.exists():
                _sync_assignments(measure, roadmap, by)
    return roadmap


@writes(ROADMAPS, EXECUTION)
def roadmap_delete(*, roadmap: Roadmap, by: User) -> None:
    roadmap = Roadmap.objects.select_for_update().select_related("owner").get(pk=roadmap.pk)
    _editable(roadmap, by)
    if Assignment.objects.filter(measure__section__roadmap=roadmap).exclude(status=Assignment.Status.PLANNED).exists():
        raise RoadmapStateError("По мероприятиям этой карты уже идёт исполнение: удалить её нельзя")
    Assignment.objects.filter(measure__section__roadmap=roadmap).delete()
    roadmap.delete()


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


@writes(ROADMAPS, EXECUTION)
def section_create(
    *,
    roadmap: Roadmap,
    by: User,
    kind: str,
    direction: Direction | None = None,
    tracks: Iterable[Track] = (),
    function_type: FunctionType | None = None,
    heading: str = "",
    number: str = "",
) -> Section:
    _editable(roadmap, by)
    tracks = list(tracks)
    if kind == Section.Kind.DIRECTION:
        if direction is None:
            raise RoadmapStateError("Раздел-направление: выберите направление")
        wrong = [track.title for track in tracks if track.direction_id != direction.pk]
        if wrong:
            raise RoadmapStateError(f"Трек «{wrong[0]}» не относится к направлению {direction.code}")
    elif kind == Section.Kind.HEADING:
        if not heading.strip():
            raise RoadmapStateError("Раздел-заголовок: введите текст заголовка")
        if direction is not None or tracks:
            raise RoadmapStateError("У раздела-заголовка не бывает направления и треков")
    else:
        raise RoadmapStateError(f"Неизвестный вид раздела: «{kind}»")
    order = (roadmap.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section = Section(
        roadmap=roadmap,
        order=order,
        kind=kind,
        direction=direction,
        function_type=function_type,
        heading=heading.strip(),
        number=number.strip(),
    )
    section._history_user = by
    section.save()
    if tracks:
        section.tracks.set(tracks)
    return section


@writes(ROADMAPS, EXECUTION)
def section_update(
    *,
    section: Section,
    by: User,
    tracks: Iterable[Track] | None = None,
    function_type: FunctionType | None = None,
    heading: str | None = None,
    number: str | None = None,
) -> Section:
    roadmap = section.roadmap
    _editable(roadmap, by)
    if tracks is not None:
        tracks = list(tracks)
        wrong = [track.title for track in tracks if track.direction_id != section.direction_id]
        if wrong:
            raise RoadmapStateError(f"Трек «{wrong[0]}» не относится к направлению раздела")
        section.tracks.set(tracks)
    if heading is not None:
        if section.kind == Section.Kind.HEADING and not heading.strip():
            raise RoadmapStateError("Раздел-заголовок: текст заголовка не может быть пустым")
        section.heading = heading.strip()
    if number is not None:
        section.number = number.strip()
    section.function_type = function_type if section.kind == Section.Kind.DIRECTION else None
    section._history_user = by
    section.save()
    return section


@writes(ROADMAPS, EXECUTION)
def section_delete(*, section: Section, by: User) -> None:
    _editable(section.roadmap, by)
    if Assignment.objects.filter(measure__section=section).exclude(status=Assignment.Status.PLANNED).exists():
        raise RoadmapStateError("По мероприятиям раздела уже идёт исполнение: удалить его нельзя")
    Assignment.objects.filter(measure__section=section).delete()
    section._history_user = by
    section.delete()


@writes(ROADMAPS, EXECUTION)
def sections_reorder(*, roadmap: Roadmap, by: User, section_ids: list[int]) -> None:
    _editable(roadmap, by)
    _reorder(roadmap.sections.all(), section_ids, by=by, stale="Порядок разделов устарел")


def _reorder(rows, ids: list[int], *, by: User, stale: str) -> None:
    """Put ``rows`` (a roadmap's sections, a section's measures) in the order of ``ids``, which
    must name each of them once; only the rows that moved are saved, each with its history."""
    by_id = {row.pk: row for row in rows}
    if set(ids) != set(by_id) or len(ids) != len(by_id):
        raise RoadmapStateError(f"{stale}: обновите страницу и повторите")
    for position, pk in enumerate(ids, start=1):
        row = by_id[pk]
        if row.order != position:
            row.order = position
            row._history_user = by
            row.save(update_fields=["order"])


def _moved(ids: list[int], pk: int, delta: int) -> list[int]:
    """``ids`` with ``pk`` moved ``delta`` places up (negative) or down, within the list."""
    ids = list(ids)
    index = ids.index(pk)
    ids.insert(max(0, min(len(ids) - 1, index + delta)), ids.pop(index))
    return ids


def section_move(*, section: Section, by: User, delta: int) -> None:
    ids = section.roadmap.sections.order_by("order", "pk").values_list("pk", flat=True)
    sections_reorder(roadmap=section.roadmap, by=by, section_ids=_moved(ids, section.pk, delta))


@writes(ROADMAPS, EXECUTION)
def section_generate_steps(*, section: Section, by: User, confirm_existing: bool = False) -> list[Measure]:
    """Create the function type's standard steps as measures of the section. Never deletes: when
    the section already has measures, the methodist must confirm and the steps are appended."""
    roadmap = section.roadmap
    _editable(roadmap, by)
    if section.function_type_id is None:
        raise RoadmapStateError("У раздела не выбран тип функции: стандартные шаги взять неоткуда")
    require(preconditions.function_type_steps(section.function_type))
    existing = section.measures.count()
    if existing and not confirm_existing:
        raise RoadmapStateError(
            f"В разделе уже есть мероприятия ({existing}). Стандартные шаги будут добавлены после них, "
            "существующие мероприятия не удаляются. Подтвердите добавление."
        )
    steps = section.function_type.steps.select_related("stage").prefetch_related("executor_kinds", "evidence_kinds")
    return measures_build(
        roadmap=roadmap,
        by=by,
        specs=[
            MeasureSpec(
                section=section,
                description=step.text,
                deadline_text=step.deadline_text,
                fields={"stage": step.stage},
                executors=[
                    {"executor_kind": kind, "is_lead": position == 0}
                    for position, kind in enumerate(step.executor_kinds.all())
                ],
                evidence_kinds=list(step.evidence_kinds.all()),
            )
            for step in steps
        ],
    )


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


def _parsed(text: str, roadmap: Roadmap, cache: dict[str, dict] | None = None) -> dict:
    """The deadline structure of `text` in the roadmap's period ({} for no text). A bulk build
    passes a cache: a workbook repeats «Ежегодно» and «Май» many times."""
    text = (text or "").strip()
    if not text:
        return {}
    if cache is not None and text in cache:
        return dict(cache[text])
    data = parse_deadline(text, period_start=roadmap.period_start, period_end=roadmap.period_end).to_json()
    if cache is not None:
        cache[text] = data
    return dict(data)


def _parse_into(measure: Measure, roadmap: Roadmap) -> None:
    if measure.deadline_manual:
        return
    measure.deadline = _parsed(measure.deadline_text, roadmap)


def manual_deadline(text: str, occurrences: list[Occurrence]) -> dict:
    """The structure for dates a methodist set by hand (the text stays as written)."""
    if not occurrences:
        raise RoadmapStateError("Даты сроков вручную: укажите хотя бы один срок")
    kind = DeadlineKind.DATE if all(o.start == o.end for o in occurrences) else DeadlineKind.WINDOW
    return ParsedDeadline(
        text=text, kind=kind, occurrences=tuple(occurrences), recurrence=None, remark="даты заданы вручную"
    ).to_json()


def _executor_rows(measure: Measure, executors: Iterable[dict], municipality_id: int | None) -> list[MeasureExecutor]:
    """executors: [{"organization": Organization|None, "executor_kind": ExecutorKind|None,
    "is_lead": bool, "qualifier": str}] in order; a row naming nobody is skipped."""
    rows = []
    for position, row in enumerate(executors):
        organization, kind = row.get("organization"), row.get("executor_kind")
        qualifier = (row.get("qualifier") or "").strip()
        if organization is not None and organization.municipality_id != municipality_id:
            raise RoadmapStateError(f"Исполнитель «{organization.short_name}» — организация другого муниципалитета")
        if organization is None and kind is None and not qualifier:
            continue
        rows.append(
            MeasureExecutor(
                measure=measure,
                organization=organization,
                executor_kind=kind,
                is_lead=bool(row.get("is_lead")),
                qualifier=qualifier,
                order=position,
            )
        )
    return rows


def _set_executors(measure: Measure, executors: list[dict], by: User) -> None:
    """Replace the measure's list of executors (the editor's save)."""
    rows = _executor_rows(measure, executors, measure.section.roadmap.owner.municipality_id)
    measure.executors.all().delete()
    bulk_create_with_history(rows, MeasureExecutor, default_user=by)


def _clean_measure_fields(fields: dict) -> dict:
    if "description" in fields and not (fields["description"] or "").strip():
        raise RoadmapStateError("Наименование мероприятия не может быть пустым")
    if "actions" in fields:
        actions = fields["actions"]
        if isinstance(actions, str):
            actions = [line for line in actions.splitlines()]
        fields["actions"] = [str(a).strip() for a in actions if str(a).strip()]
    if fields.get("target_value") not in (None, "") and fields.get("target_comparator") in ("", None):
        fields["target_comparator"] = Measure.Comparator.AT_LEAST
    if fields.get("target_value") == "":
        fields["target_value"] = None
    if fields.get("target_value") is not None and not isinstance(fields["target_value"], Decimal):
        fields["target_value"] = Decimal(str(fields["target_value"]))
    if "stage" in fields and fields["stage"] is not None and not isinstance(fields["stage"], CycleStage):
        raise TypeError("stage must be a CycleStage")
    return fields


@dataclass
class MeasureSpec:
    """One measure to build, whatever it comes from: typed in the editor, a row of an imported
    workbook, a measure copied from another roadmap, a standard step of a function type, or a
    measure targeted at organisations from their zones. `measures_build` turns it into rows."""

    section: Section
    description: str
    deadline_text: str = ""
    number: str = ""
    # The other measure fields (MEASURE_FIELDS): actions, expected_result, target_*, stage, note.
    fields: dict = field(default_factory=dict)
    # [{"organization", "executor_kind", "is_lead", "qualifier"}], in printed order.
    executors: list[dict] = field(default_factory=list)
    evidence_kinds: list[EvidenceKind] = field(default_factory=list)
    # Organisations the measure is assigned to: one Assignment per organisation and occurrence.
    organizations: list[Organization] = field(default_factory=list)
    # Dates a methodist set by hand (the text stays as written); otherwise the text is parsed.
    occurrences: list[Occurrence] | None = None
    # An amendment keeps the approved version's parsed dates as they were (same period, and a
    # parser improved since must not move dates nobody changed): (deadline, deadline_manual).
    kept_deadline: tuple[dict, bool] | None = None
    key: uuid.UUID | None = None  # an amendment keeps the measure's key across versions
    order: int | None = None  # None: after the section's last measure


def _check_assignees(organizations: Iterable[Organization], roadmap: Roadmap) -> None:
    foreign = [o.short_name for o in organizations if o.municipality_id != _municipality_id(roadmap)]
    if foreign:
        raise RoadmapStateError(f"Организация «{foreign[0]}» не относится к муниципалитету дорожной карты")


def _assignment_rows(
    measure: Measure, roadmap: Roadmap, organization_ids: Iterable[int], existing: set[tuple[int, int]] = frozenset()
) -> list[Assignment]:
    """One Assignment per organisation × occurrence window of the measure's deadline, skipping the
    (organisation, occurrence) pairs that exist."""
    windows = occurrence_windows(measure, roadmap)
    return [
        Assignment(
            measure=measure,
            organization_id=organization_id,
            occurrence=number,
            window_start=start,
            window_end=end,
            due_date=due,
        )
        for organization_id in organization_ids
        for number, (start, end, due) in enumerate(windows, start=1)
        if (organization_id, number) not in existing
    ]


CASCADE_REFUSED = (
    "Доводить региональную дорожную карту до муниципалитетов могут методисты и руководители региональной "
    "организации, и только утверждённую карту регионального уровня"
)


def _cascade_target(roadmap: Roadmap, cascade: Roadmap, by: User) -> None:
    """The region writes into a municipality's plan only while bringing its own approved roadmap
    down, and only into the draft made from it; everything else in that plan is the municipality's."""
    roadmap.status = Roadmap.objects.filter(pk=roadmap.pk).values_list("status", flat=True).get()
    _require_draft(roadmap)
    if roadmap.cascaded_from_id != cascade.pk:
        raise ValueError(f"roadmap {roadmap.pk} was not cascaded from {cascade.pk}")
    enforce(access_for(by).can_cascade(cascade), CASCADE_REFUSED)


@writes(ROADMAPS, EXECUTION)
def measures_build(
    *, roadmap: Roadmap, by: User, specs: Iterable[MeasureSpec], cascade: Roadmap | None = None
) -> list[Measure]:
    """The one way measures come into a roadmap (the editor, the Excel import, a copy or an
    amendment, standard steps, targeting from zones, the cascade of a regional roadmap): the
    deadline parsed against the roadmap's period, the executors checked against its municipality,
    assignments made for the occurrence windows, and a history record (with the evidence kinds)
    for every row, in bulk.

    `cascade`: the approved regional roadmap this municipality's draft is made from
    (roadmaps.cascade): the region's staff build it, though they never edit the municipality's plan.

    Returns the measures in the order of `specs`. Only a draft takes new measures."""
    if cascade is None:
        _editable(roadmap, by)
    else:
        _cascade_target(roadmap, cascade, by)
    specs = list(specs)
    if not specs:
        return []
    municipality_id = _municipality_id(roadmap)
    unordered = {spec.section.pk for spec in specs if spec.order is None}
    last_order = dict(
        Measure.objects.filter(section_id__in=unordered)
        .values("section_id")
        .annotate(m=Max("order"))
        .values_list("section_id", "m")
    )
    cache: dict[str, dict] = {}
    measures, executors, assignments = [], [], []
    for spec in specs:
        if spec.section.roadmap_id != roadmap.pk:
            raise ValueError(f"section {spec.section.pk} is not in roadmap {roadmap.pk}")
        unknown = set(spec.fields) - (MEASURE_FIELDS - {"number", "deadline_text"})
        if unknown:
            raise TypeError(f"unknown measure fields: {sorted(unknown)}")
        fields = _clean_measure_fields({"description": spec.description, **spec.fields})
        if spec.order is None:
            last_order[spec.section.pk] = order = (last_order.get(spec.section.pk) or 0) + 1
        else:
            order = spec.order
        measure = Measure(
            section=spec.section,
            order=order,
            deadline_text=(spec.deadline_text or "").strip(),
            number=(spec.number or "").strip(),
            **fields,
        )
        measure.description = measure.description.strip()
        if spec.key is not None:
            measure.key = spec.key
        if spec.kept_deadline is not None:
            measure.deadline, measure.deadline_manual = spec.kept_deadline
        elif spec.occurrences:
            measure.deadline, measure.deadline_manual = manual_deadline(measure.deadline_text, spec.occurrences), True
        else:
            measure.deadline = _parsed(measure.deadline_text, roadmap, cache)
        _check_assignees(spec.organizations, roadmap)
        measures.append(measure)
        # Built before anything is written, so that a refused row leaves nothing; bulk_create
        # takes the measure's id from the saved instance.
        executors += _executor_rows(measure, spec.executors, municipality_id)
        assignments += _assignment_rows(measure, roadmap, list(dict.fromkeys(o.pk for o in spec.organizations)))

    Measure.objects.bulk_create(measures)
    links = []
    through = Measure.evidence_kinds.through
    for spec, measure in zip(specs, measures, strict=True):
        links += [
            through(measure_id=measure.pk, evidencekind_id=kind.pk) for kind in dict.fromkeys(spec.evidence_kinds)
        ]
    through.objects.bulk_create(links)
    _history_created(measures, links, by)
    bulk_create_with_history(executors, MeasureExecutor, default_user=by)
    bulk_create_with_history(assignments, Assignment, default_user=by)
    return measures


def _history_created(measures: list[Measure], links: list, by: User) -> None:
    """The «created» history record of each measure with its evidence kinds, as `measure.save()`
    followed by `evidence_kinds.set()` would have written them, in two queries."""
    records = Measure.history.bulk_history_create(measures, default_user=by)
    if not records or not links:
        return
    history_of = {record.id: record for record in records}
    m2m_model = HistoricalRecords.m2m_models[Measure._meta.get_field("evidence_kinds")]
    m2m_model.objects.bulk_create(
        m2m_model(
            history=history_of[link.measure_id],
            id=link.pk,
            measure_id=link.measure_id,
            evidencekind_id=link.evidencekind_id,
        )
        for link in links
    )


def measure_create(
    *,
    section: Section,
    by: User,
    description: str,
    deadline_text: str = "",
    number: str = "",
    evidence_kinds: Iterable[EvidenceKind] | None = None,
    executors: list[dict] | None = None,
    occurrences: list[Occurrence] | None = None,
    organizations: Iterable[Organization] | None = None,
    **fields,
) -> Measure:
    """One measure at the end of its section (the editor's «add»), built by `measures_build`."""
    (measure,) = measures_build(
        roadmap=section.roadmap,
        by=by,
        specs=[
            MeasureSpec(
                section=section,
                description=description,
                deadline_text=deadline_text,
                number=number,
                fields=fields,
                executors=list(executors or []),
                evidence_kinds=list(evidence_kinds or []),
                organizations=list(organizations or []),
                occurrences=occurrences or None,
            )
        ],
    )
    return measure


def _changed_since(measure: Measure, lock_version: int) -> list[str]:
    """Field labels changed since the version the editor opened, from the measure's history."""
    records = list(measure.history.order_by("-history_date", "-history_id")[:50])
    newest = records[0] if records else None
    base = next((r for r in records if r.lock_version == lock_version), None)
    if newest is None or base is None or newest.pk == base.pk:
        return []
    delta = newest.diff_against(base)
    return [MEASURE_FIELD_LABELS.get(change.field, change.field) for change in delta.changes]


def _who_changed(measure: Measure) -> str:
    record = measure.history.order_by("-history_date", "-history_id").select_related("history_user").first()
    if record is None:
        return ""
    user = record.history_user
    name = (user.get_full_name() or user.username) if user else "неизвестно кто"
    return f"{name}, {timezone.localtime(record.history_date):%d.%m.%Y %H:%M}"


@writes(ROADMAPS, EXECUTION)
def measure_update(*, measure: Measure, by: User, lock_version: int, **fields) -> Measure:
    measure = Measure.objects.select_for_update().select_related("section__roadmap__owner").get(pk=measure.pk)
    roadmap = measure.section.roadmap
    _editable(roadmap, by)
    if int(lock_version) != measure.lock_version:
        changed = _changed_since(measure, int(lock_version))
        what = f"изменены: {', '.join(changed)}" if changed else "запись изменена"
        raise MeasureConflictError(
            f"Мероприятие «{measure.description[:60]}» уже изменил другой пользователь ({_who_changed(measure)}): "
            f"{what}. Ваши правки не сохранены — откройте мероприятие заново и внесите их ещё раз."
        )
    evidence_kinds = fields.pop("evidence_kinds", None)
    executors = fields.pop("executors", None)
    manual = fields.pop("occurrences", None)
    deadline_manual = fields.pop("deadline_manual", None)
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise TypeError(f"unknown measure fields: {sorted(unknown)}")
    fields = _clean_measure_fields(fields)
    text_changed = "deadline_text" in fields and (fields["deadline_text"] or "").strip() != measure.deadline_text
    for name, value in fields.items():
        setattr(measure, name, value.strip() if isinstance(value, str) else value)
    if deadline_manual is False:
        measure.deadline_manual = False
    if manual:
        measure.deadline_manual = True
        measure.deadline = manual_deadline(measure.deadline_text, manual)
    elif deadline_manual is True and not measure.deadline_manual:
        raise RoadmapStateError("Даты сроков вручную: укажите хотя бы один срок")
    elif text_changed or deadline_manual is False:
        _parse_into(measure, roadmap)
    measure.lock_version += 1
    measure._history_user = by
    measure.save()
    if evidence_kinds is not None:
        measure.evidence_kinds.set(evidence_kinds)
    if executors is not None:
        _set_executors(measure, executors, by)
    if measure.assignments.exists():
        _sync_assignments(measure, roadmap, by)
    return measure


@writes(ROADMAPS, EXECUTION)
def measure_delete(*, measure: Measure, by: User) -> None:
    _editable(measure.section.roadmap, by)
    if measure.assignments.exclude(status=Assignment.Status.PLANNED).exists():
        raise RoadmapStateError("По мероприятию уже идёт исполнение: удалить его нельзя")
    measure.assignments.all().delete()
    measure._history_user = by
    measure.delete()


@writes(ROADMAPS, EXECUTION)
def measures_reorder(*, section: Section, by: User, measure_ids: list[int]) -> None:
    _editable(section.roadmap, by)
    _reorder(section.measures.all(), measure_ids, by=by, stale="Порядок мероприятий устарел")


def measure_move(*, measure: Measure, by: User, delta: int) -> None:
    section = measure.section
    ids = section.measures.order_by("order", "pk").values_list("pk", flat=True)
    measures_reorder(section=section, by=by, measure_ids=_moved(ids, measure.pk, delta))


# ---------------------------------------------------------------------------------------------
# Assignment
# ---------------------------------------------------------------------------------------------


def occurrence_windows(measure: Measure, roadmap: Roadmap) -> list[tuple[date | None, date | None, date | None]]:
    """(window_start, window_end, due_date) per occurrence. Continuous → the whole period, due at its
    end; external / on demand / needs dates → one occurrence over the period with no due date yet."""
    data = measure.deadline or {}
    occurrences = data.get("occurrences") or []
    if occurrences:
        return [
            (date.fromisoformat(o["start"]), date.fromisoformat(o["end"]), date.fromisoformat(o["due"]))
            for o in occurrences
        ]
    if data.get("kind") == DeadlineKind.CONTINUOUS:
        return [(roadmap.period_start, roadmap.period_end, roadmap.period_end)]
    return [(roadmap.period_start, roadmap.period_end, None)]


def _sync_assignments(measure: Measure, roadmap: Roadmap, by: User) -> None:
    """After a deadline change in a draft: planned occurrences follow the new dates; extra planned
    occurrences go; missing ones are added (as `measures_build` adds them) for every organisation
    already assigned."""
    windows = occurrence_windows(measure, roadmap)
    rows = list(measure.assignments.all())
    for row in rows:
        if row.status != Assignment.Status.PLANNED:
            continue
        row._history_user = by
        if row.occurrence > len(windows):
            row.delete()
        elif (row.window_start, row.window_end, row.due_date) != windows[row.occurrence - 1]:
            row.window_start, row.window_end, row.due_date = windows[row.occurrence - 1]
            row.save(update_fields=["window_start", "window_end", "due_date"])
    organization_ids = sorted({row.organization_id for row in rows})
    existing = {(row.organization_id, row.occurrence) for row in rows}
    bulk_create_with_history(
        _assignment_rows(measure, roadmap, organization_ids, existing), Assignment, default_user=by
    )


@writes(ROADMAPS, EXECUTION)
def measure_assign(*, measure: Measure, organizations: Iterable[Organization], by: User) -> list[Assignment]:
    """One Assignment per organisation × occurrence; idempotent (existing rows are kept as they are).

    Allowed on a draft (the plan names its executors) and on an approved roadmap (assigning is the
    start of execution, it adds rows and never changes the approved text); refused otherwise."""
    measure = Measure.objects.select_related("section__roadmap__owner").get(pk=measure.pk)
    roadmap = measure.section.roadmap
    enforce(access_for(by).can_change(roadmap), EDIT_REFUSED)
    if roadmap.status not in (Roadmap.Status.DRAFT, Roadmap.Status.APPROVED):
        raise RoadmapStateError(
            f"Дорожная карта в состоянии «{roadmap.get_status_display()}»: назначать мероприятия нельзя"
        )
    organizations = list(organizations)
    _check_assignees(organizations, roadmap)
    existing = set(measure.assignments.values_list("organization_id", "occurrence"))
    new_rows = _assignment_rows(measure, roadmap, list(dict.fromkeys(o.pk for o in organizations)), existing)
    if not new_rows:
        return []
    created = bulk_create_with_history(new_rows, Assignment, default_user=by)
    if roadmap.status == Roadmap.Status.APPROVED:
        # Execution starts now: the organisations hear of it at once. In a draft they hear of it
        # when the roadmap is approved (order_sign).
        notify_assigned(
            assignments=list(
                Assignment.objects.filter(
                    measure=measure, organization_id__in={row.organization_id for row in created}
                ).select_related("measure__section__roadmap", "organization")
            )
        )
    return created


@writes(ROADMAPS, EXECUTION)
def measure_unassign(*, measure: Measure, organization: Organization, by: User) -> int:
    roadmap = measure.section.roadmap
    _editable(roadmap, by)
    rows = measure.assignments.filter(organization=organization)
    if rows.exclude(status=Assignment.Status.PLANNED).exists():
        raise RoadmapStateError(f"«{organization.short_name}» уже исполняет мероприятие: снять назначение нельзя")
    count, _ = rows.delete()
    return count


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------


@writes(ROADMAPS, EXECUTION)
def roadmap_submit(*, roadmap: Roadmap, by: User) -> Roadmap:
    roadmap = Roadmap.objects.select_for_update().select_related("owner").get(pk=roadmap.pk)
    enforce(access_for(by).can_change(roadmap), EDIT_REFUSED)
    if roadmap.status != Roadmap.Status.DRAFT:
        raise RoadmapStateError(
            f"Отправить на утверждение можно только черновик; эта карта — «{roadmap.get_status_display()}»"
        )
    if not Measure.objects.filter(section__roadmap=roadmap).exists():
        raise RoadmapStateError("В дорожной карте нет ни одного мероприятия: отправлять на утверждение нечего")
    roadmap.status = Roadmap.Status.ON_APPROVAL
    roadmap.lock_version += 1
    roadmap._history_user = by
    roadmap.save(update_fields=["status", "lock_version", "updated_at"])
    notify_roadmap_submitted(roadmap=roadmap, by=by)
    return roadmap


ORDER_TITLE = "Об утверждении плана мероприятий («дорожной карты»)"


def _require_on_approval(roadmap: Roadmap) -> None:
    if roadmap.status != Roadmap.Status.ON_APPROVAL:
        raise RoadmapStateError(
            f"Утвердить можно только дорожную карту на утверждении; карта «{roadmap}» — «{roadmap.get_status_display()}»"
        )


@writes(ROADMAPS, EXECUTION)
def roadmap_approve(
    *,
    roadmap: Roadmap,
    by: User,
    order_number: str,
    order_date: date,
    signatory_position: str = "",
    signatory_name: str = "",
) -> Roadmap:
    """Approve the roadmap by its order (приказ): the draft order that already includes the roadmap
    gets this number, date and signatory and is signed; otherwise an order with the roadmap as its
    only appendix is created and signed. Either way `order_sign` does the approving, so approving
    from the roadmap and signing from the order are one action. Returns the approved roadmap; its
    `approval_order` is the signed order.

    The signatory defaults to the draft order's, then to the roadmap's «УТВЕРЖДАЮ» approver (the same
    official, by design)."""
    roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap.pk)
    enforce(access_for(by).can_approve(roadmap), APPROVE_REFUSED)
    _require_on_approval(roadmap)
    if not (order_number or "").strip():
        raise RoadmapStateError("Укажите номер приказа об утверждении")
    if not order_date:
        raise RoadmapStateError("Укажите дату приказа об утверждении")
    order = (
        Order.objects.select_for_update()
        .filter(status=Order.Status.DRAFT, approved__roadmap=roadmap)
        .order_by("-date", "-pk")
        .first()
    )
    if order is None:
        order = Order(organization=roadmap.owner, title=ORDER_TITLE, created_by=by)
    # typed in the form, else as prepared in the draft order, else the roadmap's «УТВЕРЖДАЮ» approver
    signatory_name = signatory_name.strip() or order.signatory_name or roadmap.approver_name.strip()
    signatory_position = (
        signatory_position.strip() or order.signatory_position or " ".join(roadmap.approver_position.split())
    )
    if not signatory_name:
        raise RoadmapStateError("Укажите, кто подписал приказ об утверждении (должность и ФИО)")
    order.number, order.date = order_number.strip(), order_date
    order.signatory_position, order.signatory_name = signatory_position, signatory_name
    order.save()
    if not order.approved.exists():  # a new order: the roadmap is its appendix, numbered as typed on it
        typed = roadmap.appendix_number.strip()
        OrderRoadmap.objects.create(
            order=order, roadmap=roadmap, appendix_number=int(typed) if typed.isdecimal() and len(typed) <= 4 else 1
        )
    order_sign(order=order, by=by)
    return Roadmap.objects.select_related("owner", "approval_order").get(pk=roadmap.pk)


@dataclass
class PersonInput:
    """A person named in an order: the one who controls it, or one charged with an item."""

    position: str
    name: str
    duty: str = ""
    gender: str = ""


def _check_roadmaps(organization: Organization, roadmaps: list[Roadmap]) -> None:
    enforce(
        all(roadmap.owner.municipality_id == organization.municipality_id for roadmap in roadmaps),
        "Приказ может утверждать только дорожные карты своего муниципалитета",
    )


@transaction.atomic
def order_save(
    *,
    by,
    organization: Organization,
    date: date,
    title: str,
    number: str = "",
    basis: str = "",
    place_phrase: str = "",
    signatory_position: str = "",
    signatory_name: str = "",
    roadmaps: list[Roadmap] = (),
    items: list[str] = (),
    responsible: list[PersonInput] = (),
    control: list[PersonInput] = (),
    control_text: str = "",
    header: str = "",
    order: Order | None = None,
) -> Order:
    """Create or replace an order (приказ): its fields, the roadmaps it approves (appendices
    numbered in the given order), free items and the persons named in it."""
    enforce(access_for(by).can_edit_municipality(organization.municipality_id), EDIT_REFUSED)
    _check_roadmaps(organization, list(roadmaps))
    if order is None:
        order = Order(created_by=by)
    elif order.status == Order.Status.SIGNED:
        raise RoadmapStateError("Подписанный приказ не изменяется")
    order.organization = organization
    order.header = header.strip()
    order.date, order.title, order.number, order.basis = date, title.strip(), number.strip(), basis.strip()
    order.place_phrase = place_phrase.strip()
    order.signatory_position, order.signatory_name = signatory_position.strip(), signatory_name.strip()
    if control_text.strip():
        order.control_text = control_text.strip()
    order.save()
    order.approved.all().delete()
    OrderRoadmap.objects.bulk_create(
        OrderRoadmap(order=order, roadmap=roadmap, appendix_number=index)
        for index, roadmap in enumerate(roadmaps, start=1)
    )
    order.items.all().delete()
    OrderItem.objects.bulk_create(
        OrderItem(order=order, position=index, text=text.strip()) for index, text in enumerate(items) if text.strip()
    )
    order.persons.all().delete()
    persons = [(OrderPerson.Role.RESPONSIBLE, p) for p in responsible] + [
        (OrderPerson.Role.CONTROL, p) for p in control
    ]
    OrderPerson.objects.bulk_create(
        OrderPerson(
            order=order,
            role=role,
            position=p.position.strip(),
            name=p.name.strip(),
            duty=p.duty.strip(),
            gender=p.gender,
            order_index=index,
        )
        for index, (role, p) in enumerate(persons)
    )
    return order


@writes(ROADMAPS, EXECUTION)
def order_sign(*, order: Order, by: User) -> Order:
    """Mark the order signed. Every roadmap it includes (its appendices) is approved by it: frozen,
    its approval (number, date, signatory) read from this order from now on, and the version it
    amends archived. Refused whole when any of them is not on approval."""
    order = Order.objects.select_for_update().select_related("organization").get(pk=order.pk)
    access = access_for(by)
    enforce(
        access.can_edit_for(order.organization),
        "Изменять приказ может методист или руководитель УО его муниципалитета",
    )
    if order.status == Order.Status.SIGNED:
        raise RoadmapStateError(f"{order} уже отмечен подписанным")
    if not order.number.strip():
        raise RoadmapStateError("Укажите номер приказа перед отметкой о подписании")
    links = list(OrderRoadmap.objects.filter(order=order).select_related("roadmap__owner").order_by("appendix_number"))
    roadmaps = [Roadmap.objects.select_for_update().select_related("owner").get(pk=link.roadmap_id) for link in links]
    for roadmap in roadmaps:
        enforce(access.can_approve(roadmap), APPROVE_REFUSED)
        _require_on_approval(roadmap)
    now = timezone.now()
    order.status, order.signed_by, order.signed_at = Order.Status.SIGNED, by, now
    order.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
    for roadmap in roadmaps:
        roadmap.status = Roadmap.Status.APPROVED
        roadmap.approval_order = order
        roadmap.return_comment = ""
        roadmap.lock_version += 1
        roadmap._history_user = by
        roadmap.save(update_fields=["status", "approval_order", "return_comment", "lock_version", "updated_at"])
        if roadmap.amends_id:
            previous = Roadmap.objects.select_for_update().get(pk=roadmap.amends_id)
            if previous.status == Roadmap.Status.APPROVED:
                previous.status = Roadmap.Status.ARCHIVED
                previous._history_user = by
                previous.save(update_fields=["status", "updated_at"])
        audit_record(
            action="approval", user=by, obj=roadmap, detail={"order_id": order.pk, "order_number": order.number}
        )
        notify_roadmap_approved(roadmap=roadmap, by=by, order=order)
        # Execution starts: the organisations hear of their measures once the approval is committed.
        # robust: with the broker down the approval stands all the same, and the daily reminders
        # announce the measures instead.
        transaction.on_commit(partial(notify_roadmap_assignments_task.delay, roadmap.pk), robust=True)
    return order


@writes(ROADMAPS, EXECUTION)
def roadmap_return(*, roadmap: Roadmap, by: User, comment: str) -> Roadmap:
    roadmap = Roadmap.objects.select_for_update().select_related("owner").get(pk=roadmap.pk)
    enforce(
        access_for(by).can_approve(roadmap),
        "Вернуть дорожную карту на доработку может только руководитель органа управления",
    )
    if roadmap.status != Roadmap.Status.ON_APPROVAL:
        raise RoadmapStateError(
            f"Вернуть на доработку можно только карту на утверждении; эта карта — «{roadmap.get_status_display()}»"
        )
    if not (comment or "").strip():
        raise RoadmapStateError("Напишите замечания: что нужно исправить")
    roadmap.status = Roadmap.Status.DRAFT
    roadmap.return_comment = comment.strip()
    roadmap.lock_version += 1
    roadmap._history_user = by
    roadmap.save(update_fields=["status", "return_comment", "lock_version", "updated_at"])
    audit_record(action="return", user=by, obj=roadmap, detail={"comment": roadmap.return_comment})
    notify_roadmap_returned(roadmap=roadmap, by=by)
    return roadmap


# ---------------------------------------------------------------------------------------------
# Amendments and copies
# ---------------------------------------------------------------------------------------------


@writes(ROADMAPS)
def section_copy(section: Section, *, into: Roadmap, by: User) -> Section:
    """The section as it is (kind, direction, tracks, function, number, heading) in another roadmap,
    empty: its measures go through `measures_build`. Copies, amendments and the cascade use it."""
    copy = Section(
        roadmap=into,
        order=section.order,
        kind=section.kind,
        direction=section.direction,
        function_type=section.function_type,
        number=section.number,
        heading=section.heading,
    )
    copy._history_user = by
    copy.save()
    copy.tracks.set(section.tracks.all())
    return copy


def _copy_structure(source: Roadmap, target: Roadmap, by: User, *, amendment: bool) -> list[Measure]:
    """The source's sections into the target, and its measures through `measures_build`.

    An amendment (same period, a new version of the same plan) keeps each measure's key, its
    parsed dates as approved and its assignments; a copy to another period re-parses every
    deadline against the new period (dates set by hand included) and assigns nobody."""
    sections = source.sections.select_related("direction", "function_type").prefetch_related(
        "tracks",
        "measures__stage",
        "measures__evidence_kinds",
        "measures__executors__organization",
        "measures__executors__executor_kind",
        "measures__assignments__organization",
    )
    specs = []
    for section in sections:
        new_section = section_copy(section, into=target, by=by)
        for measure in section.measures.all():
            specs.append(
                MeasureSpec(
                    section=new_section,
                    order=measure.order,
                    number=measure.number,
                    description=measure.description,
                    deadline_text=measure.deadline_text,
                    fields={
                        name: getattr(measure, name) for name in COPIED_FIELDS + (LINK_FIELDS if amendment else ())
                    },
                    executors=[
                        {
                            "organization": e.organization,
                            "executor_kind": e.executor_kind,
                            "is_lead": e.is_lead,
                            "qualifier": e.qualifier,
                        }
                        for e in measure.executors.all()
                    ],
                    evidence_kinds=list(measure.evidence_kinds.all()),
                    organizations=list({a.organization_id: a.organization for a in measure.assignments.all()}.values())
                    if amendment
                    else [],
                    kept_deadline=(measure.deadline, measure.deadline_manual) if amendment else None,
                    key=measure.key if amendment else None,
                )
            )
    return measures_build(roadmap=target, by=by, specs=specs)


HEADER_COPY_FIELDS = [
    "owner",
    "level",
    "code",
    "title",
    "period_kind",
    "basis_title",
    "basis_number",
    "basis_date",
    "approver_position",
    "approver_name",
    "stamp",
    "appendix_number",
]


@writes(ROADMAPS, EXECUTION)
def roadmap_amend(*, roadmap: Roadmap, by: User) -> Roadmap:
    """A new draft version copied from the approved roadmap; approving it archives the old one."""
    roadmap = Roadmap.objects.select_for_update().select_related("owner").get(pk=roadmap.pk)
    enforce(access_for(by).can_change(roadmap), EDIT_REFUSED)
    if roadmap.status != Roadmap.Status.APPROVED:
        raise RoadmapStateError(
            f"Изменения вносятся только в утверждённую дорожную карту; эта карта — «{roadmap.get_status_display()}»"
        )
    pending = roadmap.amendments.exclude(status=Roadmap.Status.ARCHIVED).first()
    if pending is not None:
        raise RoadmapStateError(
            f"Проект изменений (версия {pending.version}, «{pending.get_status_display()}») уже создан: "
            "продолжите работу в нём"
        )
    amendment = Roadmap(
        **{name: getattr(roadmap, name) for name in HEADER_COPY_FIELDS},
        period_start=roadmap.period_start,
        period_end=roadmap.period_end,
        status=Roadmap.Status.DRAFT,
        version=roadmap.version + 1,
        amends=roadmap,
        cascaded_from=roadmap.cascaded_from,
        created_by=by,
    )
    amendment._history_user = by
    amendment.save()
    _copy_structure(roadmap, amendment, by, amendment=True)
    return amendment


YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def stale_years(text: str, period_start: date, period_end: date) -> list[str]:
    """Fragments of text carrying a year outside the new period («Иннопром-2020», «лето 2019»)."""
    years = range(period_start.year, period_end.year + 1)
    found = []
    for match in YEAR.finditer(text or ""):
        if int(match.group(1)) not in years:
            start = max(0, match.start() - 25)
            fragment = text[start : match.end() + 5].strip()
            found.append(("…" if start else "") + fragment)
    return found


@writes(ROADMAPS, EXECUTION)
def roadmap_copy_to_period(
    *, roadmap: Roadmap, by: User, period_start: date, period_end: date
) -> tuple[Roadmap, list[str]]:
    """A new draft for another period: texts kept exactly, deadlines re-parsed against the new
    period, and every text with a year outside the new period flagged for review (never changed)."""
    roadmap = Roadmap.objects.select_related("owner").get(pk=roadmap.pk)
    enforce(access_for(by).can_change(roadmap), EDIT_REFUSED)
    _check_period(period_start, period_end)
    copy = Roadmap(
        **{name: getattr(roadmap, name) for name in HEADER_COPY_FIELDS},
        period_start=period_start,
        period_end=period_end,
        status=Roadmap.Status.DRAFT,
        version=1,
        copied_from=roadmap,
        created_by=by,
    )
    flags = [f"Наименование карты: «{fragment}»" for fragment in stale_years(copy.title, period_start, period_end)]
    copy.review_flags = list(flags)
    copy._history_user = by
    copy.save()
    texts = {
        "description": "наименование",
        "deadline_text": "сроки",
        "expected_result": "ожидаемый результат",
        "note": "примечание",
        "target_text": "показатель",
    }
    copied = _copy_structure(roadmap, copy, by, amendment=False)
    numbers = measure_numbers(roadmap_ids=[copy.pk])  # the copy's table: numbered as the page shows it
    for measure in copied:
        own = []
        for name, label in texts.items():
            for fragment in stale_years(getattr(measure, name), period_start, period_end):
                own.append(f"{label}: «{fragment}»")
        for action in measure.actions:
            for fragment in stale_years(action, period_start, period_end):
                own.append(f"перечень действий: «{fragment}»")
        if own:
            measure.review_flags = own
            measure.save(update_fields=["review_flags"])
            flags.extend(f"Мероприятие {numbers[measure.pk]} ({measure.description[:40]}…), {item}" for item in own)
    if flags != copy.review_flags:
        copy.review_flags = flags
        copy.save(update_fields=["review_flags"])
    return copy, flags


@writes(ROADMAPS, EXECUTION)
def measure_clear_flags(*, measure: Measure, by: User) -> Measure:
    _editable(measure.section.roadmap, by)
    measure.review_flags = []
    measure._history_user = by
    measure.save(update_fields=["review_flags"])
    return measure


@writes(ROADMAPS, EXECUTION)
def roadmap_clear_flags(*, roadmap: Roadmap, by: User) -> Roadmap:
    _editable(roadmap, by)
    roadmap.review_flags = []
    roadmap._history_user = by
    roadmap.save(update_fields=["review_flags", "updated_at"])
    Measure.objects.filter(section__roadmap=roadmap).exclude(review_flags=[]).update(review_flags=[])
    return roadmap
