"""Building a roadmap, its workflow (including forbidden transitions), amendments, copies, assignment."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from roadmaps import services
from roadmaps.models import Assignment, Direction, FunctionType, Measure, Order, Roadmap, Section, Track
from roadmaps.selectors import roadmap_diff, roadmap_history
from roadmaps.services import MeasureConflictError, RoadmapStateError
from roadmaps.table import roadmap_table

PERIOD = {"period_start": date(2022, 8, 1), "period_end": date(2023, 7, 31)}


@pytest.fixture
def roadmap(authority, methodist):
    return services.roadmap_create(owner=authority, by=methodist, title="План мероприятий МУКО", **PERIOD)


@pytest.fixture
def section(roadmap, methodist):
    direction = Direction.objects.get(code="1.1")
    return services.section_create(
        roadmap=roadmap,
        by=methodist,
        kind=Section.Kind.DIRECTION,
        direction=direction,
        tracks=[Track.objects.get(direction=direction, title__startswith="Объективность")],
        function_type=FunctionType.objects.get(code="regional_cycle"),
    )


@pytest.fixture
def on_approval(roadmap, section, methodist):
    services.section_generate_steps(section=section, by=methodist)
    return services.roadmap_submit(roadmap=roadmap, by=methodist)


@pytest.fixture
def approved(on_approval, official):
    return services.roadmap_approve(
        roadmap=on_approval,
        by=official,
        order_number="125",
        order_date=date(2022, 8, 30),
        signatory_name="Т.В. Разуваева",
    )


def test_generate_steps_creates_the_five_standard_steps(section, methodist):
    created = services.section_generate_steps(section=section, by=methodist)
    assert len(created) == 5
    first = created[0]
    assert first.deadline_text == "Август"
    assert first.deadline["kind"] == "window"
    assert first.deadline["occurrences"][0]["start"] == "2022-08-01"
    assert first.executors.filter(is_lead=True).count() == 1
    assert first.evidence_kinds.exists()
    assert [row.number for row in roadmap_table(section.roadmap).blocks[0].rows] == ["1.", "2.", "3.", "4.", "5."]


def test_generate_into_section_with_measures_asks_and_never_deletes(section, methodist):
    services.section_generate_steps(section=section, by=methodist)
    with pytest.raises(RoadmapStateError, match="уже есть мероприятия \\(5\\)"):
        services.section_generate_steps(section=section, by=methodist)
    assert section.measures.count() == 5
    services.section_generate_steps(section=section, by=methodist, confirm_existing=True)
    assert section.measures.count() == 10


def test_deadline_edit_reparses_into_three_occurrences(section, methodist):
    measure = services.section_generate_steps(section=section, by=methodist)[1]
    updated = services.measure_update(
        measure=measure, by=methodist, lock_version=measure.lock_version, deadline_text="Сентябрь, ноябрь, март-апрель"
    )
    occurrences = updated.deadline["occurrences"]
    assert [(o["start"], o["end"]) for o in occurrences] == [
        ("2022-09-01", "2022-09-30"),
        ("2022-11-01", "2022-11-30"),
        ("2023-03-01", "2023-04-30"),
    ]
    assert updated.lock_version == measure.lock_version + 1


def test_manual_dates_override_the_parse_and_survive_text_edits(section, methodist):
    from roadmaps.deadlines import Occurrence

    measure = services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Август")
    manual = [Occurrence(date(2022, 8, 25), date(2022, 8, 25), date(2022, 8, 25))]
    measure = services.measure_update(measure=measure, by=methodist, lock_version=0, occurrences=manual)
    assert measure.deadline_manual
    assert measure.deadline["occurrences"] == [{"start": "2022-08-25", "end": "2022-08-25", "due": "2022-08-25"}]
    measure = services.measure_update(measure=measure, by=methodist, lock_version=1, deadline_text="Конец августа")
    assert measure.deadline["occurrences"][0]["start"] == "2022-08-25"
    measure = services.measure_update(measure=measure, by=methodist, lock_version=2, deadline_manual=False)
    assert not measure.deadline_manual


def test_stale_lock_version_is_refused_naming_what_changed(section, methodist, official):
    measure = services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Август")
    services.measure_update(measure=measure, by=official, lock_version=0, deadline_text="Сентябрь")
    with pytest.raises(MeasureConflictError, match="сроки") as conflict:
        services.measure_update(measure=measure, by=methodist, lock_version=0, note="моя правка")
    assert "Разуваева" in str(conflict.value)
    assert Measure.objects.get(pk=measure.pk).note == ""


def test_empty_description_is_refused_in_russian(section, methodist):
    with pytest.raises(RoadmapStateError, match="Наименование мероприятия не может быть пустым"):
        services.measure_create(section=section, by=methodist, description="  ", deadline_text="Май")


def test_workflow_draft_to_approved(approved, official):
    approved.refresh_from_db()
    assert approved.status == Roadmap.Status.APPROVED
    order = approved.approval_order
    assert (order.number, order.date, order.status) == ("125", date(2022, 8, 30), Order.Status.SIGNED)
    assert order.signed_by == official and order.signed_at is not None
    assert list(order.roadmaps.all()) == [approved]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("approve_draft", "Утвердить можно только дорожную карту на утверждении"),
        ("return_draft", "Вернуть на доработку можно только карту на утверждении"),
        ("submit_empty", "нет ни одного мероприятия"),
        ("submit_twice", "Отправить на утверждение можно только черновик"),
        ("approve_without_number", "Укажите номер приказа"),
        ("return_without_comment", "Напишите замечания"),
    ],
)
def test_forbidden_transitions_have_russian_messages(action, message, roadmap, section, methodist, official):
    if action == "approve_draft":
        call = lambda: services.roadmap_approve(  # noqa: E731
            roadmap=roadmap, by=official, order_number="1", order_date=date(2022, 9, 1), signatory_name="Т.В. Разуваева"
        )
    elif action == "return_draft":
        call = lambda: services.roadmap_return(roadmap=roadmap, by=official, comment="нет")  # noqa: E731
    elif action == "submit_empty":
        call = lambda: services.roadmap_submit(roadmap=roadmap, by=methodist)  # noqa: E731
    else:
        services.section_generate_steps(section=section, by=methodist)
        services.roadmap_submit(roadmap=roadmap, by=methodist)
        call = {
            "submit_twice": lambda: services.roadmap_submit(roadmap=roadmap, by=methodist),
            "approve_without_number": lambda: services.roadmap_approve(
                roadmap=roadmap,
                by=official,
                order_number=" ",
                order_date=date(2022, 9, 1),
                signatory_name="Т.В. Разуваева",
            ),
            "return_without_comment": lambda: services.roadmap_return(roadmap=roadmap, by=official, comment=""),
        }[action]
    with pytest.raises(RoadmapStateError, match=message):
        call()


def test_only_officials_approve(on_approval, methodist):
    with pytest.raises(PermissionDenied):
        services.roadmap_approve(
            roadmap=on_approval,
            by=methodist,
            order_number="1",
            order_date=date(2022, 9, 1),
            signatory_name="Т.В. Разуваева",
        )


def test_return_sends_back_to_draft_with_comment(on_approval, official):
    roadmap = services.roadmap_return(roadmap=on_approval, by=official, comment="Уточнить сроки по треку 1")
    assert roadmap.status == Roadmap.Status.DRAFT
    assert roadmap.return_comment == "Уточнить сроки по треку 1"


def test_approved_roadmap_is_read_only_for_every_write(approved, section, methodist, official):
    measure = section.measures.first()
    writes = [
        lambda: services.measure_update(measure=measure, by=methodist, lock_version=measure.lock_version, note="x"),
        lambda: services.measure_create(section=section, by=official, description="x", deadline_text="Май"),
        lambda: services.measure_delete(measure=measure, by=methodist),
        lambda: services.section_create(roadmap=approved, by=methodist, kind="heading", heading="Новый"),
        lambda: services.section_generate_steps(section=section, by=methodist, confirm_existing=True),
        lambda: services.section_delete(section=section, by=official),
        lambda: services.roadmap_update(roadmap=approved, by=official, title="Новое"),
        lambda: services.roadmap_delete(roadmap=approved, by=official),
        lambda: services.roadmap_submit(roadmap=approved, by=methodist),
    ]
    for write in writes:
        with pytest.raises(RoadmapStateError, match="изменять можно только черновик|только черновик"):
            write()


def test_director_cannot_write(roadmap, director_a):
    with pytest.raises(PermissionDenied):
        services.section_create(roadmap=roadmap, by=director_a, kind="heading", heading="Раздел")


def test_amendment_approval_archives_previous_and_diff_lists_changes(approved, methodist, official):
    amendment = services.roadmap_amend(roadmap=approved, by=methodist)
    assert (amendment.version, amendment.amends_id, amendment.status) == (2, approved.pk, Roadmap.Status.DRAFT)
    with pytest.raises(RoadmapStateError, match="уже создан"):
        services.roadmap_amend(roadmap=approved, by=methodist)
    measures = list(Measure.objects.filter(section__roadmap=amendment).order_by("order"))
    assert len(measures) == 5
    changed, removed = measures[0], measures[1]
    services.measure_update(measure=changed, by=methodist, lock_version=0, deadline_text="Сентябрь")
    services.measure_delete(measure=removed, by=methodist)
    services.measure_create(
        section=changed.section, by=methodist, description="Семинар для заместителей", deadline_text="Октябрь"
    )

    diff = roadmap_diff(approved, amendment)
    assert [m.description for m in diff.added] == ["Семинар для заместителей"]
    assert [m.key for m in diff.removed] == [removed.key]
    assert len(diff.changed) == 1
    assert diff.changed[0].changes[0].label == "сроки"
    assert (diff.changed[0].changes[0].before, diff.changed[0].changes[0].after) == ("Август", "Сентябрь")

    services.roadmap_submit(roadmap=amendment, by=methodist)
    services.roadmap_approve(
        roadmap=amendment,
        by=official,
        order_number="140",
        order_date=date(2022, 10, 3),
        signatory_name="Т.В. Разуваева",
    )
    approved.refresh_from_db()
    assert approved.status == Roadmap.Status.ARCHIVED
    with pytest.raises(RoadmapStateError):
        services.roadmap_amend(roadmap=approved, by=methodist)


def test_amendment_copies_assignments_organisations(approved, methodist, school_a, school_b):
    measure = Measure.objects.filter(section__roadmap=approved).order_by("order").first()
    services.measure_assign(measure=measure, organizations=[school_a, school_b], by=methodist)
    amendment = services.roadmap_amend(roadmap=approved, by=methodist)
    copy = Measure.objects.get(section__roadmap=amendment, key=measure.key)
    assert set(copy.assignments.values_list("organization_id", flat=True)) == {school_a.pk, school_b.pk}


def test_copy_to_period_reparses_and_flags_old_years(approved, methodist):
    section = Section.objects.get(roadmap=approved)
    old = Measure.objects.filter(section=section).order_by("order").first()
    Measure.objects.filter(pk=old.pk).update(
        description="Участие в форуме «Иннопром-2020» и летней школе (лето 2019)", note="по итогам 2021 г."
    )
    copy, flags = services.roadmap_copy_to_period(
        roadmap=approved, by=methodist, period_start=date(2023, 8, 1), period_end=date(2024, 7, 31)
    )
    assert copy.status == Roadmap.Status.DRAFT and copy.copied_from_id == approved.pk
    copied = Measure.objects.filter(section__roadmap=copy).order_by("order").first()
    assert copied.description == "Участие в форуме «Иннопром-2020» и летней школе (лето 2019)"  # never changed
    assert copied.deadline["occurrences"][0]["start"] == "2023-08-01"  # «Август» re-parsed for the new period
    assert len(copied.review_flags) == 3
    assert any("Иннопром-2020" in flag for flag in flags)
    assert any("лето 2019" in flag for flag in flags)
    assert any("2021 г." in flag for flag in flags)


def test_assignment_one_row_per_organisation_and_occurrence_idempotent(section, methodist, school_a, school_b):
    measure = services.measure_create(
        section=section, by=methodist, description="Мониторинг", deadline_text="Сентябрь, ноябрь, март-апрель"
    )
    rows = services.measure_assign(measure=measure, organizations=[school_a, school_b], by=methodist)
    assert len(rows) == 6
    assert services.measure_assign(measure=measure, organizations=[school_a, school_b], by=methodist) == []
    third = Assignment.objects.get(measure=measure, organization=school_a, occurrence=3)
    assert (third.window_start, third.window_end, third.due_date) == (
        date(2023, 3, 1),
        date(2023, 4, 30),
        date(2023, 4, 30),
    )


@pytest.mark.parametrize(
    ("text", "due"),
    [("В течение учебного года", date(2023, 7, 31)), ("По мере необходимости", None)],
)
def test_assignment_of_continuous_and_on_demand(section, methodist, school_a, text, due):
    measure = services.measure_create(section=section, by=methodist, description="Работа", deadline_text=text)
    [row] = services.measure_assign(measure=measure, organizations=[school_a], by=methodist)
    assert (row.window_start, row.window_end, row.due_date) == (date(2022, 8, 1), date(2023, 7, 31), due)


def test_assignment_refuses_other_municipality(section, methodist, other_school):
    measure = services.measure_create(section=section, by=methodist, description="Работа", deadline_text="Май")
    with pytest.raises(RoadmapStateError, match="не относится к муниципалитету"):
        services.measure_assign(measure=measure, organizations=[other_school], by=methodist)


def test_reorder_sections_and_measures(roadmap, section, methodist):
    second = services.section_create(roadmap=roadmap, by=methodist, kind="heading", heading="Мероприятия с ОО")
    services.sections_reorder(roadmap=roadmap, by=methodist, section_ids=[second.pk, section.pk])
    assert list(roadmap.sections.order_by("order").values_list("pk", flat=True)) == [second.pk, section.pk]
    a = services.measure_create(section=second, by=methodist, description="А", deadline_text="Май")
    b = services.measure_create(section=second, by=methodist, description="Б", deadline_text="Май")
    services.measure_move(measure=b, by=methodist, delta=-1)
    block = roadmap_table(roadmap).blocks[0]
    assert [row.measure.pk for row in block.rows] == [b.pk, a.pk]
    assert [row.number for row in block.rows] == ["1.1.", "1.2."]


def test_history_records_who_and_what(section, methodist, official):
    measure = services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Август")
    services.measure_update(measure=measure, by=official, lock_version=0, deadline_text="Сентябрь")
    entries = roadmap_history(section.roadmap)
    latest = entries[0]
    assert latest.who == "Татьяна Разуваева"
    assert latest.action == "изменено"
    assert [(c.label, c.before, c.after) for c in latest.changes] == [("сроки", "Август", "Сентябрь")]


def test_history_prints_states_numbers_and_stages_in_russian(section, methodist):
    """Issue 20: not «on_approval», «gte», «{'2026': '0.337'}» or a stage's key."""
    from decimal import Decimal

    from roadmaps.models import CycleStage

    stage = CycleStage.objects.first()
    measure = services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Май")
    services.measure_update(
        measure=measure,
        by=methodist,
        lock_version=0,
        target_comparator=Measure.Comparator.AT_LEAST,
        target_value=Decimal("0.5"),
        target_per_year={"2026": "0.337"},
        stage=stage,
    )
    services.roadmap_submit(roadmap=section.roadmap, by=methodist)
    changes = {(c.label, c.before, c.after) for entry in roadmap_history(section.roadmap) for c in entry.changes}
    assert ("состояние", "черновик", "на утверждении") in {(a, b.lower(), c.lower()) for a, b, c in changes}
    assert ("показатель: сравнение", "", "не менее") in changes
    assert ("показатель: значение", "", "0,5") in changes
    assert ("показатель по годам", "", "2026 — 0,337") in changes
    assert ("этап цикла", "", str(stage)) in changes


def test_deadline_change_in_a_draft_moves_planned_assignments(section, methodist, school_a):
    measure = services.measure_create(
        section=section, by=methodist, description="Мониторинг", deadline_text="Сентябрь, ноябрь, март-апрель"
    )
    services.measure_assign(measure=measure, organizations=[school_a], by=methodist)
    services.measure_update(measure=measure, by=methodist, lock_version=0, deadline_text="Октябрь")
    rows = list(Assignment.objects.filter(measure=measure).values_list("occurrence", "window_start", "due_date"))
    assert rows == [(1, date(2022, 10, 1), date(2022, 10, 31))]


def test_history_shows_evidence_kinds_by_title(section, methodist):
    from roadmaps.models import EvidenceKind

    measure = services.measure_create(section=section, by=methodist, description="Совещание", deadline_text="Май")
    order = EvidenceKind.objects.get(code="order")
    services.measure_update(measure=measure, by=methodist, lock_version=0, evidence_kinds=[order])
    services.measure_update(measure=measure, by=methodist, lock_version=1, note="уточнено")
    changes = [(c.label, c.before, c.after) for entry in roadmap_history(section.roadmap) for c in entry.changes]
    assert ("подтверждающие документы", "", "Приказ") in changes
