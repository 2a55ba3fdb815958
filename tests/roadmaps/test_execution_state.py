"""One state of an occurrence: the database and Python read the same rules; draft roadmaps count
nowhere; the director's home puts what to act on first and every counter is a link."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from roadmaps.execution.selectors import municipality_dashboard, my_summary
from roadmaps.execution.state import DUE_SOON_DAYS, STATE_ORDER, State, state_of, state_q, with_state
from roadmaps.models import Assignment, Roadmap
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section

OFFSETS = [None, -30, -1, 0, 3, DUE_SOON_DAYS, DUE_SOON_DAYS + 1, 60]


def test_database_and_python_agree_for_every_status_and_date(authority, school_a):
    measure = make_measure(make_section(make_roadmap(authority)))
    today = timezone.localdate()
    occurrence = 0
    for status in Assignment.Status.values:
        for offset in OFFSETS:
            occurrence += 1
            due = None if offset is None else today + datetime.timedelta(days=offset)
            Assignment.objects.create(
                measure=measure, organization=school_a, due_date=due, status=status, occurrence=occurrence
            )
    rows = list(with_state(Assignment.objects.all()))
    assert len(rows) == len(Assignment.Status.values) * len(OFFSETS)
    for row in rows:
        assert row.state == state_of(row.status, row.due_date), (row.status, row.due_date)
        # Each row is in exactly one state's Q: the counts of a tile and of its list agree.
        matching = [s for s in STATE_ORDER if Assignment.objects.filter(state_q(s), pk=row.pk).exists()]
        assert matching == [row.state], (row.status, row.due_date)
        # The property computes the same on an instance loaded without the annotation.
        assert Assignment.objects.get(pk=row.pk).state == row.state


def test_the_rule_itself():
    today = datetime.date(2026, 5, 10)

    def state(status, offset):
        return state_of(status, None if offset is None else today + datetime.timedelta(days=offset), today)

    assert state("accepted", -10) == State.ACCEPTED
    assert state("submitted", -10) == State.SUBMITTED  # handed in late is not «overdue»
    assert state("returned", -1) == State.OVERDUE  # late wins over returned
    assert state("returned", 2) == State.RETURNED
    assert state("in_progress", -1) == State.OVERDUE
    assert state("in_progress", 0) == State.DUE_SOON
    assert state("planned", DUE_SOON_DAYS) == State.DUE_SOON
    assert state("planned", DUE_SOON_DAYS + 1) == State.PLANNED
    assert state("planned", None) == State.PLANNED


def test_draft_and_archived_roadmaps_count_nowhere_but_on_their_own_page(
    authority, school_a, municipality, methodist, director_a, client_for
):
    approved = make_measure(make_section(make_roadmap(authority)))
    make_assignment(approved, school_a, due=-3)
    for status in (Roadmap.Status.DRAFT, Roadmap.Status.ARCHIVED):
        roadmap = make_roadmap(authority, status=status, title=f"Карта {status}")
        make_assignment(make_measure(make_section(roadmap)), school_a, due=-3)
    assert my_summary(director_a)["overdue"] == 1
    _, dashboard = municipality_dashboard(user=methodist, pk=municipality.pk)
    assert dashboard.total.overdue == dashboard.total.total == 1
    page = client_for(methodist).get(reverse("monitoring:organization", args=[school_a.pk])).content.decode()
    assert counters(page, "assignment-counters")["overdue"] == (
        1,
        f"/execution/all/?state=overdue&organization={school_a.pk}",
    )
    archived = Roadmap.objects.get(status=Roadmap.Status.ARCHIVED)
    page = client_for(methodist).get(reverse("execution:dashboard_roadmap", args=[archived.pk])).content.decode()
    assert "Дорожная карта в архиве" in page
    listed = client_for(methodist).get(f"/execution/all/?roadmap={archived.pk}&state=overdue").content.decode()
    assert "Найдено: 1" in listed and "в архиве" in listed


def test_stored_status_is_what_people_did(authority, school_a, director_a):
    """Adding evidence to a late occurrence makes it «in progress»; it stays overdue by the calendar."""
    from roadmaps.execution import services as services
    from tests.roadmaps.execution_factories import kind, pdf_upload

    assignment = make_assignment(make_measure(make_section(make_roadmap(authority))), school_a, due=-2)
    services.evidence_add(
        assignment=assignment,
        by=director_a,
        data=services.EvidenceData(kind=kind(), title="Протокол"),
        upload=pdf_upload(),
    )
    assignment.refresh_from_db()
    assert (assignment.status, assignment.state) == (Assignment.Status.IN_PROGRESS, State.OVERDUE)


def counters(page: str, block_id: str) -> dict[str, tuple[int, str]]:
    """{state: (count, href)} of the counter links inside the element with `block_id`."""
    start = page.index(f'id="{block_id}"')
    block = page[start : page.index("</div>", start)]
    found = re.findall(r'href="([^"]+)" data-state="(\w+)">[^<]*<span class="count">(\d+)</span>', block)
    return {state: (int(count), href.replace("&amp;", "&")) for href, state, count in found}


def test_director_home_puts_action_first(authority, school_a, director_a, client_for):
    section = make_section(make_roadmap(authority, title="Дорожная карта «Объективность»"))
    other = make_section(make_roadmap(authority, title="Дорожная карта «Функциональная грамотность»"))
    plan = {
        "accepted": make_assignment(make_measure(section, description="Принятое мероприятие"), school_a, due=-5),
        "planned": make_assignment(make_measure(section, description="Далёкое мероприятие"), school_a, due=40),
        "due_soon": make_assignment(make_measure(section, description="Близкое мероприятие"), school_a, due=2),
        "overdue": make_assignment(make_measure(other, description="Просроченное мероприятие"), school_a, due=-1),
        "returned": make_assignment(make_measure(section, description="Возвращённое мероприятие"), school_a, due=20),
    }
    for name in ("accepted", "returned"):
        Assignment.objects.filter(pk=plan[name].pk).update(status=name)
    make_assignment(make_measure(other, description="Второе просроченное"), school_a, due=-2)

    client = client_for(director_a)
    page = client.get("/").content.decode()
    block = page[page.index('id="my-assignments"') :]
    groups = re.findall(r'class="home-group[^"]*" data-state="(\w+)"', block)
    assert groups == ["returned", "overdue", "due_soon", "planned"]
    assert "Принятое мероприятие" not in block  # accepted ones are behind their counter
    # The roadmap is named once per group, above its rows, not under each row.
    overdue_group = block[
        block.index('group mt-3" data-state="overdue"') : block.index('group mt-3" data-state="due_soon"')
    ]
    assert overdue_group.count("Функциональная грамотность") == 1
    assert overdue_group.count('class="assignment-row"') == 2
    shown = counters(block, "home-counters")
    assert {state: count for state, (count, _) in shown.items()} == {
        "returned": 1,
        "overdue": 2,
        "due_soon": 1,
        "planned": 1,
        "submitted": 0,
        "accepted": 1,
    }
    for state, (count, href) in shown.items():
        assert href == f"/execution/?state={state}"
        listed = client.get(href).content.decode()
        assert listed.count('href="/execution/occurrence/') == count, state
    accepted = client.get(shown["accepted"][1]).content.decode()
    assert "Принятое мероприятие" in accepted and "Близкое мероприятие" not in accepted


def test_group_counter_leads_to_the_rest(authority, school_a, director_a, client_for):
    measure = make_measure(make_section(make_roadmap(authority)))
    for occurrence in range(1, 8):
        make_assignment(measure, school_a, due=-occurrence, occurrence=occurrence)
    page = client_for(director_a).get("/").content.decode()
    group = page[page.index('class="home-group mt-3" data-state="overdue"') :]
    assert group.count('class="assignment-row"') == 5
    assert 'href="/execution/?state=overdue">ещё 2' in group


def test_execution_list_is_scoped_to_the_person(authority, school_a, school_b, director_b, methodist, client_for):
    measure = make_measure(make_section(make_roadmap(authority)))
    make_assignment(measure, school_a, due=-1)
    make_assignment(measure, school_b, due=-1, occurrence=2)
    assert "Найдено: 1" in client_for(director_b).get("/execution/all/?state=overdue").content.decode()
    assert "Найдено: 2" in client_for(methodist).get("/execution/all/?state=overdue").content.decode()
