"""Three-level regional roadmaps and their cascade to the municipalities (issue 14, seed 003): the
region approves its roadmap and brings it down; each municipality gets one linked draft with the
municipal texts, its schools the school texts; the regional card reads back per municipality."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from config.jobs.models import Job
from roadmaps import services
from roadmaps.cascade.selectors import cascade_dashboard, regional_measure_card
from roadmaps.cascade.services import level_text, roadmap_cascade, roadmap_cascade_to
from roadmaps.document import roadmap_document
from roadmaps.execution.services import EvidenceData, assignment_accept, assignment_submit, evidence_add
from roadmaps.execution.state import State
from roadmaps.models import Assignment, Direction, Measure, Roadmap, Section
from roadmaps.xlsx import roadmap_xlsx_bytes
from schools.access import access_for
from schools.models import Membership, Municipality, Organization
from tests.conftest import make_organization, make_user
from tests.hardening.access_world import make_authority
from tests.roadmaps.execution_factories import kind

REGION = "Саратовская область"
# Seed 003, «Система оценки качества подготовки обучающихся»: (year, regional, municipal, school).
LINES = [
    (
        "2025",
        "Формирование банка контрольных измерительных материалов для оценки предметных и метапредметных "
        "результатов обучающихся",
        "-",
        "-",
    ),
    (
        "2025",
        "Определение регионального перечня оценочных процедур и стандарты их проведения",
        "Определение муниципального перечня оценочных процедур и стандарты их проведения",
        "Определение школьного перечня оценочных процедур и стандарты их проведения",
    ),
    (
        "2027",
        "Участие образовательных учреждений во Всероссийских проверочных работах в штатном режиме",
        "Организация участия образовательных учреждений во Всероссийских проверочных работах",
        "Участие во Всероссийских проверочных работах в штатном режиме (обязательное участие)",
    ),
]


@pytest.fixture
def ministry(db):
    return Organization.objects.create(
        municipality=None,
        region=REGION,
        code="min64",
        kind=Organization.Kind.REGIONAL,
        short_name="Министерство образования",
        full_name="Министерство образования Саратовской области",
    )


@pytest.fixture
def regional_methodist(ministry):
    return make_user("regional_methodist", ministry, Membership.Role.METHODIST)


@pytest.fixture
def regional_official(ministry):
    return make_user("regional_official", ministry, Membership.Role.OFFICIAL, last_name="Министр")


@pytest.fixture
def other_authority(other_municipality):
    return make_authority(other_municipality)


@pytest.fixture
def outsider(other_authority):
    """A methodist of the other municipality of the same region."""
    return make_user("outsider", other_authority, Membership.Role.METHODIST)


def build_regional(ministry, by, *, lines=LINES) -> Roadmap:
    roadmap = services.roadmap_create(
        owner=ministry,
        by=by,
        title="Дорожная карта по развитию региональной системы оценки качества образования",
        period_start=date(2025, 1, 1),
        period_end=date(2027, 12, 31),
        period_kind=Roadmap.PeriodKind.CALENDAR,
        level=Roadmap.Level.REGIONAL,
        approver_position="Министр образования",
        approver_name="И.И. Министров",
    )
    section = services.section_create(
        roadmap=roadmap, by=by, kind=Section.Kind.DIRECTION, direction=Direction.objects.get(code="1.1")
    )
    for year, regional, municipal, school in lines:
        services.measure_create(
            section=section,
            by=by,
            description=regional,
            deadline_text=year,
            municipal_text=municipal,
            school_text=school,
        )
    return roadmap


def approved_regional(ministry, methodist, official) -> Roadmap:
    roadmap = build_regional(ministry, methodist)
    services.roadmap_submit(roadmap=roadmap, by=methodist)
    return services.roadmap_approve(
        roadmap=roadmap, by=official, order_number="01-01/123", order_date=date(2025, 1, 20)
    )


@pytest.fixture
def regional(municipality, other_municipality, ministry, regional_methodist, regional_official):
    # the municipalities first: a person's access (their region's municipalities) is read once per user object
    return approved_regional(ministry, regional_methodist, regional_official)


@pytest.fixture
def published(regional, regional_methodist, authority, other_authority, school_a, school_b, other_school):
    return roadmap_cascade(roadmap=regional, by=regional_methodist)


def draft_of(regional, municipality) -> Roadmap:
    return Roadmap.objects.get(cascaded_from=regional, owner__municipality=municipality)


# --- the regional roadmap -------------------------------------------------------------------


def test_a_regional_membership_is_staff_of_the_region_not_of_a_municipality(
    regional_methodist, regional_official, municipality, other_municipality
):
    far = Municipality.objects.create(name="Город Саров", region="Нижегородская область")
    for person in (regional_methodist, regional_official):
        access = access_for(person)
        assert access.municipality_ids == frozenset()  # no None: it used to let them edit any regional plan
        assert access.regions == {REGION}
        assert access.region_municipality_ids == {municipality.pk, other_municipality.pk}
        assert far.pk not in access.region_municipality_ids
        assert set(Municipality.objects.for_user(person)) == {municipality, other_municipality}


def test_a_regional_organisation_without_region_gives_no_region(regional_org):
    person = make_user("nobody", regional_org, Membership.Role.METHODIST)
    access = access_for(person)
    assert access.municipality_ids == frozenset() and access.regions == frozenset()
    assert not access.creates_roadmaps


def test_a_regional_level_is_only_for_a_regional_owner(authority, methodist):
    with pytest.raises(services.RoadmapStateError, match="Региональный уровень"):
        services.roadmap_create(
            owner=authority,
            by=methodist,
            title="Карта",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            level=Roadmap.Level.REGIONAL,
        )


def test_regional_staff_edit_and_approve_the_regions_roadmap(ministry, regional_methodist, regional_official):
    roadmap = build_regional(ministry, regional_methodist)
    measure = Measure.objects.filter(section__roadmap=roadmap).order_by("order")[1]
    services.measure_update(
        measure=measure, by=regional_methodist, lock_version=measure.lock_version, school_text="Новый текст ОО"
    )
    assert Measure.objects.get(pk=measure.pk).school_text == "Новый текст ОО"
    services.roadmap_submit(roadmap=roadmap, by=regional_methodist)
    with pytest.raises(PermissionDenied):  # a methodist does not approve
        services.roadmap_approve(roadmap=roadmap, by=regional_methodist, order_number="1", order_date=date(2025, 1, 2))
    approved = services.roadmap_approve(
        roadmap=roadmap, by=regional_official, order_number="1", order_date=date(2025, 1, 2)
    )
    assert approved.status == Roadmap.Status.APPROVED


def test_a_municipal_methodist_cannot_edit_the_regional_roadmap(ministry, regional_methodist, methodist, official):
    roadmap = build_regional(ministry, regional_methodist)
    section = roadmap.sections.get()
    assert not access_for(methodist).can_change(roadmap)
    with pytest.raises(PermissionDenied):
        services.measure_create(section=section, by=methodist, description="Своё", deadline_text="2025")
    services.roadmap_submit(roadmap=roadmap, by=regional_methodist)
    with pytest.raises(PermissionDenied):
        services.roadmap_approve(roadmap=roadmap, by=official, order_number="1", order_date=date(2025, 1, 2))


def test_the_regional_table_has_three_level_columns(client_for, regional, regional_methodist):
    document = roadmap_document(regional)
    assert [key for key, _ in document.columns][:4] == ["number", "description", "municipal", "school"]
    assert [title for _, title in document.columns][1:4] == [
        "Региональный уровень",
        "Муниципальный уровень",
        "Уровень ОО",
    ]
    second = document.measure_rows[1].cells
    assert second["municipal"] == LINES[1][2] and second["school"] == LINES[1][3]
    page = client_for(regional_methodist).get(reverse("roadmaps:detail", args=[regional.pk])).content.decode()
    assert "Муниципальный уровень" in page and LINES[1][3] in page and "По муниципалитетам" in page
    assert roadmap_xlsx_bytes(regional)[:2] == b"PK"


def test_the_editor_of_a_regional_roadmap_asks_for_the_three_texts(client_for, ministry, regional_methodist, methodist):
    roadmap = build_regional(ministry, regional_methodist)
    measure = Measure.objects.filter(section__roadmap=roadmap).first()
    form = client_for(regional_methodist).get(reverse("roadmaps:measure_edit", args=[measure.pk])).content.decode()
    assert 'name="municipal_text"' in form and 'name="school_text"' in form and "Региональный уровень" in form


def test_a_municipal_editor_does_not_ask_for_level_texts(client_for, authority, methodist):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="Карта", period_start=date(2025, 9, 1), period_end=date(2026, 8, 31)
    )
    section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading="Раздел")
    form = client_for(methodist).get(reverse("roadmaps:measure_add", args=[section.pk])).content.decode()
    assert 'name="municipal_text"' not in form


# --- publishing -----------------------------------------------------------------------------


def test_publish_creates_a_linked_draft_per_municipality_with_the_municipal_texts(
    published, regional, municipality, other_municipality, authority, other_authority
):
    assert sorted(published.created) == sorted([municipality.name, other_municipality.name])
    for place, owner in ((municipality, authority), (other_municipality, other_authority)):
        draft = draft_of(regional, place)
        assert draft.owner == owner and draft.status == Roadmap.Status.DRAFT
        assert draft.level == Roadmap.Level.MUNICIPAL and draft.basis_number == "01-01/123"
        assert [s.direction.code for s in draft.sections.all()] == ["1.1"]  # sections kept
        municipal = Measure.objects.filter(section__roadmap=draft, cascade_level=Roadmap.Level.MUNICIPAL)
        assert list(municipal.order_by("order").values_list("description", flat=True)) == [
            LINES[1][2],
            LINES[2][2],
        ]  # «-» makes no measure
        assert {m.regional_measure.description for m in municipal} == {LINES[1][1], LINES[2][1]}
        assert all(m.executors.get().executor_kind.code == "authority" for m in municipal)
        assert not Assignment.objects.filter(measure__in=municipal).exists()


def test_school_texts_are_assigned_to_every_school_of_the_municipality(
    published, regional, municipality, school_a, school_b, other_school
):
    draft = draft_of(regional, municipality)
    school = Measure.objects.filter(section__roadmap=draft, cascade_level=Roadmap.Level.SCHOOL).order_by("order")
    assert list(school.values_list("description", flat=True)) == [LINES[1][3], LINES[2][3]]
    for measure in school:
        assert set(measure.assignments.values_list("organization", flat=True)) == {school_a.pk, school_b.pk}
        assert measure.executors.get().executor_kind.code == "schools"
    # each municipal line is followed by its school line, in the regional order
    assert [m.cascade_level for m in Measure.objects.filter(section__roadmap=draft).order_by("order")] == [
        "municipal",
        "school",
        "municipal",
        "school",
    ]


def test_publishing_twice_does_not_duplicate_and_says_so(published, regional, regional_methodist, municipality):
    again = roadmap_cascade(roadmap=regional, by=regional_methodist)
    assert again.created == []
    assert len(again.skipped) == 2 and any(
        municipality.name in line and "уже доведена" in line for line in again.skipped
    )
    assert Roadmap.objects.filter(cascaded_from=regional).count() == 2


def test_a_new_version_of_the_regional_roadmap_gives_no_second_plan(
    published, regional, regional_methodist, regional_official, municipality
):
    amendment = services.roadmap_amend(roadmap=regional, by=regional_methodist)
    services.roadmap_submit(roadmap=amendment, by=regional_methodist)
    amendment = services.roadmap_approve(
        roadmap=amendment, by=regional_official, order_number="12-о", order_date=date(2026, 9, 15),
        signatory_name="Н.В. Министрова",
    )  # fmt: skip
    again = roadmap_cascade(roadmap=amendment, by=regional_methodist)
    assert again.created == [] and len(again.skipped) == 2
    assert any(municipality.name in line and "по версии 1 региональной карты" in line for line in again.skipped)
    assert Roadmap.objects.filter(owner__municipality=municipality, cascaded_from__isnull=False).count() == 1


def test_a_new_municipality_gets_its_draft_on_the_next_publish(published, regional, regional_methodist):
    newcomer = Municipality.objects.create(name="Балаковский район", region=REGION)
    make_authority(newcomer)
    school = make_organization(newcomer, "sch7001", "СОШ № 1 г. Балаково")
    again = roadmap_cascade(roadmap=regional, by=regional_methodist)
    assert again.created == [newcomer.name] and len(again.skipped) == 2
    assert (
        Assignment.objects.filter(organization=school, measure__section__roadmap__cascaded_from=regional).count() == 2
    )


def test_a_municipality_without_an_authority_is_skipped(regional, regional_methodist, authority):
    lonely = Municipality.objects.create(name="Пустой район", region=REGION)
    result = roadmap_cascade(roadmap=regional, by=regional_methodist)
    assert f"{lonely.name}: нет органа управления образованием" in result.skipped


def test_only_the_regions_staff_publish_an_approved_regional_roadmap(
    ministry, regional_methodist, regional_official, methodist, official, admin_user, municipality, authority
):
    draft = build_regional(ministry, regional_methodist)
    with pytest.raises(PermissionDenied):  # not approved yet
        roadmap_cascade(roadmap=draft, by=regional_methodist)
    services.roadmap_submit(roadmap=draft, by=regional_methodist)
    approved = services.roadmap_approve(
        roadmap=draft, by=regional_official, order_number="5", order_date=date(2025, 1, 2)
    )
    for person in (methodist, official):
        with pytest.raises(PermissionDenied):
            roadmap_cascade(roadmap=approved, by=person)
    assert roadmap_cascade(roadmap=approved, by=regional_official).created == [municipality.name]


def test_the_builder_refuses_a_cascade_into_a_plan_not_made_from_it(regional, regional_methodist, authority, methodist):
    own = services.roadmap_create(
        owner=authority, by=methodist, title="Своя", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    section = services.section_create(roadmap=own, by=methodist, kind=Section.Kind.HEADING, heading="Раздел")
    with pytest.raises(ValueError):
        services.measures_build(
            roadmap=own,
            by=regional_methodist,
            specs=[services.MeasureSpec(section=section, description="Чужое")],
            cascade=regional,
        )


def test_level_text_reads_a_dash_as_nothing():
    assert level_text(" - ") == level_text("—") == level_text("") == ""
    assert level_text(" Проведение ВПР ") == "Проведение ВПР"


# --- the municipality's draft is the municipality's -----------------------------------------


def test_a_regional_methodist_cannot_edit_a_municipal_draft(
    client_for, published, regional, regional_methodist, regional_official, municipality
):
    draft = draft_of(regional, municipality)
    measure = Measure.objects.filter(section__roadmap=draft).first()
    for person in (regional_methodist, regional_official):
        assert not access_for(person).can_edit(draft)
        with pytest.raises(PermissionDenied):
            services.measure_update(measure=measure, by=person, lock_version=measure.lock_version, deadline_text="Май")
        with pytest.raises(PermissionDenied):
            services.roadmap_submit(roadmap=draft, by=person)
        client = client_for(person)
        assert client.get(reverse("roadmaps:detail", args=[draft.pk])).status_code == 200  # reads it
        assert client.get(reverse("roadmaps:measure_edit", args=[measure.pk])).status_code == 403
        assert client.post(reverse("roadmaps:submit", args=[draft.pk])).status_code == 403


def test_the_municipality_completes_and_approves_its_draft(published, regional, municipality, methodist, official):
    draft = draft_of(regional, municipality)
    measure = Measure.objects.filter(section__roadmap=draft, cascade_level="municipal").first()
    services.measure_update(measure=measure, by=methodist, lock_version=measure.lock_version, deadline_text="Март 2025")
    services.roadmap_submit(roadmap=draft, by=methodist)
    approved = services.roadmap_approve(
        roadmap=draft, by=official, order_number="77", order_date=date(2025, 2, 1), signatory_name="Т.В. Разуваева"
    )
    assert approved.status == Roadmap.Status.APPROVED and approved.approval_order.organization == draft.owner


def test_an_amendment_of_the_municipal_plan_keeps_the_links(published, regional, municipality, methodist, official):
    draft = draft_of(regional, municipality)
    services.roadmap_submit(roadmap=draft, by=methodist)
    services.roadmap_approve(
        roadmap=draft, by=official, order_number="77", order_date=date(2025, 2, 1), signatory_name="Т.В. Разуваева"
    )
    amendment = services.roadmap_amend(roadmap=draft, by=methodist)
    assert amendment.cascaded_from == regional
    old = Measure.objects.filter(section__roadmap=draft).order_by("order")
    new = Measure.objects.filter(section__roadmap=amendment).order_by("order")
    assert [(m.regional_measure_id, m.cascade_level) for m in new] == [
        (m.regional_measure_id, m.cascade_level) for m in old
    ]


# --- up the chain ---------------------------------------------------------------------------


def approve_and_execute(regional, municipality, methodist, official, director):
    """The municipality approves its plan; the school director hands in one occurrence, accepted."""
    draft = draft_of(regional, municipality)
    services.roadmap_submit(roadmap=draft, by=methodist)
    services.roadmap_approve(
        roadmap=draft, by=official, order_number="77", order_date=date(2025, 2, 1), signatory_name="Т.В. Разуваева"
    )
    school_measure = Measure.objects.get(section__roadmap=draft, description=LINES[2][3])
    occurrence = school_measure.assignments.get(organization__memberships__user=director)
    evidence_add(
        assignment=occurrence, by=director, data=EvidenceData(kind=kind(), title="Протокол", link="https://s.example/p")
    )
    assignment_submit(assignment=occurrence, by=director)
    assignment_accept(assignment=occurrence, by=methodist)
    return draft


def test_the_regional_card_shows_each_municipality_its_status_and_execution(
    published, regional, regional_methodist, municipality, other_municipality, methodist, official, director_a
):
    approve_and_execute(regional, municipality, methodist, official, director_a)
    line = Measure.objects.get(section__roadmap=regional, description=LINES[2][1])
    measure, rows = regional_measure_card(user=regional_methodist, pk=line.pk)
    by_name = {row.municipality.name: row for row in rows}
    ours, theirs = by_name[municipality.name], by_name[other_municipality.name]
    assert ours.roadmap.status == Roadmap.Status.APPROVED and theirs.roadmap.status == Roadmap.Status.DRAFT
    assert [m.description for m in ours.measures] == [LINES[2][2], LINES[2][3]]
    # two schools, one occurrence each (2027); a draft's occurrences do not count
    assert (ours.progress.total, ours.progress.accepted) == (2, 1)
    assert theirs.progress.total == 0


def test_overdue_comes_from_the_one_assignment_state(
    published, regional, regional_methodist, municipality, methodist, official, director_a
):
    draft = approve_and_execute(regional, municipality, methodist, official, director_a)
    late = Assignment.objects.filter(measure__section__roadmap=draft, due_date__year=2025)
    assert late.exists() and all(a.state == State.OVERDUE for a in late)  # «2025» is over
    line = Measure.objects.get(section__roadmap=regional, description=LINES[1][1])
    _, rows = regional_measure_card(user=regional_methodist, pk=line.pk)
    ours = next(row for row in rows if row.municipality == municipality)
    assert ours.progress.overdue == late.count() == 2


def test_the_regional_dashboard_sums_up_per_municipality(
    published, regional, regional_methodist, municipality, other_municipality, methodist, official, director_a
):
    approve_and_execute(regional, municipality, methodist, official, director_a)
    roadmap, rows, total = cascade_dashboard(user=regional_methodist, pk=regional.pk)
    by_name = {row.municipality.name: row for row in rows}
    assert by_name[municipality.name].measure_count == 4
    assert by_name[municipality.name].progress.total == 4  # two schools × two school lines
    assert by_name[other_municipality.name].progress.total == 0  # its plan is a draft
    assert (total.total, total.accepted, total.overdue) == (4, 1, 2)


def test_a_municipality_sees_only_its_own_links(
    published, regional, municipality, other_municipality, methodist, outsider
):
    line = Measure.objects.get(section__roadmap=regional, description=LINES[2][1])
    for person, own in ((methodist, municipality), (outsider, other_municipality)):
        _, rows = regional_measure_card(user=person, pk=line.pk)
        assert [row.municipality for row in rows] == [own]
        _, rows, _ = cascade_dashboard(user=person, pk=regional.pk)
        assert [row.municipality for row in rows] == [own]
        assert (
            not Roadmap.objects.for_user(person)
            .filter(cascaded_from=regional)
            .exclude(owner__municipality=own)
            .exists()
        )


def test_a_director_sees_only_their_school(client_for, published, regional, director_a, school_a, municipality):
    line = Measure.objects.get(section__roadmap=regional, description=LINES[2][1])
    client = client_for(director_a)
    assert client.get(reverse("cascade:measure", args=[line.pk])).status_code == 404
    assert client.get(reverse("cascade:dashboard", args=[regional.pk])).status_code == 404
    assert client.get(reverse("roadmaps:detail", args=[draft_of(regional, municipality).pk])).status_code == 404
    visible = Assignment.objects.for_user(director_a).filter(measure__section__roadmap__cascaded_from=regional)
    assert visible.exists() and set(visible.values_list("organization", flat=True)) == {school_a.pk}


# --- the pages ------------------------------------------------------------------------------


def test_publish_runs_as_a_job_with_its_summary(
    client_for,
    regional,
    regional_methodist,
    authority,
    other_authority,
    municipality,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(regional_methodist).post(reverse("cascade:publish", args=[regional.pk]))
    job = Job.objects.get(kind="cascade_publish")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.SUCCEEDED and job.progress_done == job.progress_total == 2
    assert "Создано черновиков муниципальных карт: 2" in job.message
    assert job.result_url == reverse("cascade:dashboard", args=[regional.pk])


def test_the_card_and_dashboard_pages(client_for, published, regional, regional_methodist, municipality, methodist):
    line = Measure.objects.get(section__roadmap=regional, description=LINES[2][1])
    page = client_for(regional_methodist).get(reverse("cascade:measure", args=[line.pk])).content.decode()
    assert municipality.name in page and LINES[2][2] in page and "Черновик" in page
    page = client_for(methodist).get(reverse("cascade:dashboard", args=[regional.pk])).content.decode()
    assert municipality.name in page and "Ершовский" not in page and "Довести до муниципалитетов" not in page


def test_a_municipal_measure_has_no_card(client_for, published, regional, municipality, methodist):
    measure = Measure.objects.filter(section__roadmap=draft_of(regional, municipality)).first()
    assert client_for(methodist).get(reverse("cascade:measure", args=[measure.pk])).status_code == 404


def test_roadmap_cascade_to_one_municipality_is_idempotent(regional, regional_methodist, municipality, authority):
    first, reason = roadmap_cascade_to(roadmap=regional, municipality=municipality, by=regional_methodist)
    assert first is not None and reason == ""
    second, reason = roadmap_cascade_to(roadmap=regional, municipality=municipality, by=regional_methodist)
    assert second is None and "уже доведена" in reason


def test_the_regions_staff_start_a_regional_roadmap_from_the_form(client_for, ministry, regional_methodist):
    client = client_for(regional_methodist)
    form = client.get(reverse("roadmaps:create")).content.decode()
    assert 'value="regional" selected' in form and ministry.short_name in form
    response = client.post(
        reverse("roadmaps:create"),
        {
            "owner": ministry.pk,
            "level": "regional",
            "title": "Региональная карта",
            "period_kind": "calendar",
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
            "stamp": "approval",
        },
    )
    roadmap = Roadmap.objects.get(title="Региональная карта")
    assert response.status_code == 302 and roadmap.owner == ministry and roadmap.level == Roadmap.Level.REGIONAL


def test_the_regions_staff_follow_execution_of_its_municipalities(
    client_for, regional_methodist, municipality, other_municipality
):
    from roadmaps.execution.selectors import visible_municipalities

    assert set(visible_municipalities(regional_methodist)) == {municipality, other_municipality}
    page = client_for(regional_methodist).get(reverse("home")).content.decode()
    assert "Региональный уровень" in page


def test_while_an_amendment_is_drafted_the_card_reads_the_approved_plan(
    published, regional, regional_methodist, municipality, methodist, official, director_a
):
    approved = approve_and_execute(regional, municipality, methodist, official, director_a)
    services.roadmap_amend(roadmap=approved, by=methodist)
    line = Measure.objects.get(section__roadmap=regional, description=LINES[2][1])
    _, rows = regional_measure_card(user=regional_methodist, pk=line.pk)
    ours = next(row for row in rows if row.municipality == municipality)
    assert ours.roadmap == approved and ours.progress.accepted == 1
    assert {m.section.roadmap_id for m in ours.measures} == {approved.pk}
