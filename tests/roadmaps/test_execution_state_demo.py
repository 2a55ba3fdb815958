"""The same numbers everywhere, on the demo municipality: the dashboards' tiles, the lists behind
them (following the tiles' links), the execution report, the organisation card, the director's
home and the reminders — state by state."""

import datetime
import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports.selectors import execution_report
from roadmaps.execution.selectors import OVERDUE_SHOWN, municipality_dashboard
from roadmaps.execution.services import reminders_send
from roadmaps.execution.state import STATE_ORDER, State
from roadmaps.models import Assignment, Notification, Roadmap
from schools.models import Organization

EVER = {"date_from": datetime.date(1900, 1, 1), "date_to": datetime.date(2100, 1, 1)}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull)


def tiles(page: str) -> dict[str, tuple[int, str]]:
    """The dashboard's tiles: {state or "" for the total: (count, href)}."""
    found = re.findall(r'<a class="card[^"]*tile[^"]*" href="([^"]+)" data-state="(\w*)">.*?count[^>]*>(\d+)<', page)
    return {state: (int(count), href.replace("&amp;", "&")) for href, state, count in found}


def counters(page: str, block_id: str) -> dict[str, tuple[int, str]]:
    start = page.index(f'id="{block_id}"')
    block = page[start : page.index("</div>", start)]
    found = re.findall(r'href="([^"]+)" data-state="(\w+)">[^<]*<span class="count">(\d+)</span>', block)
    return {state: (int(count), href.replace("&amp;", "&")) for href, state, count in found}


def listed(client, href: str) -> tuple[int, dict[str, int]]:
    """What the list behind a link says: the number found and its tabs' counts."""
    page = client.get(href).content.decode()
    found = re.search(r'id="list-count">Найдено: (\d+)<', page)
    count = int(found.group(1)) if found else page.count('href="/execution/occurrence/')
    return count, {state: n for state, (n, _) in counters(page, "state-tabs").items()}


def numbers(shown: dict[str, tuple[int, str]]) -> dict[str, int]:
    return {state: shown[state][0] for state in STATE_ORDER}


def follow(client, shown: dict[str, tuple[int, str]]) -> None:
    """Every counter's list holds as many occurrences as the counter says."""
    for state in STATE_ORDER:
        count, href = shown[state]
        found, tabs = listed(client, href)
        assert found == count, (state, href)
        assert tabs[state] == count, (state, href)


def report_numbers(roadmaps, user) -> dict[str, int]:
    totals = dict.fromkeys(STATE_ORDER, 0)
    for roadmap in roadmaps:
        report = execution_report(roadmap, as_of=timezone.localdate(), user=user, **EVER)
        for state in STATE_ORDER:
            totals[state] += report.totals[state]
    return totals


def test_every_place_counts_the_same_states_on_the_demo(demo, client_for):
    users = get_user_model().objects
    methodist, director = users.get(username="methodist"), users.get(username="director")
    municipality = Organization.objects.get(code="uo6401").municipality
    approved = list(Roadmap.objects.filter(status=Roadmap.Status.APPROVED, owner__municipality=municipality))
    assert approved, "the demo has approved roadmaps"
    client = client_for(methodist)
    # The demo's deadlines are month ends: move a few planned occurrences (two of them the
    # director's) into the coming week, so that «срок скоро» is compared too.
    planned = Assignment.objects.filter(
        measure__section__roadmap__in=approved, status=Assignment.Status.PLANNED, due_date__gt=timezone.localdate()
    )
    soon = timezone.localdate() + datetime.timedelta(days=3)
    ids = [*planned.filter(organization__code="sch640101").values_list("pk", flat=True)[:2]]
    ids += planned.exclude(organization__code="sch640101").values_list("pk", flat=True)[:4]
    Assignment.objects.filter(pk__in=ids).update(due_date=soon)

    # The municipality's tiles, the lists behind them and the execution report of its roadmaps.
    page = client.get(reverse("execution:dashboard_municipality", args=[municipality.pk])).content.decode()
    shown = tiles(page)
    municipal = numbers(shown)
    assert shown[""][0] == sum(municipal.values())
    assert all(municipal.values()), municipal
    follow(client, shown)
    assert listed(client, shown[""][1])[0] == shown[""][0]
    assert report_numbers(approved, methodist) == municipal
    assert page.count('href="/execution/occurrence/') == min(municipal[State.OVERDUE], OVERDUE_SHOWN)
    # The organisations' rows: their overdue numbers lead to the lists of those occurrences.
    late_rows = re.findall(r'<a href="(/execution/all/\?[^"]*organization=\d+&amp;state=overdue)">(\d+)</a>', page)
    assert sum(int(n) for _, n in late_rows) == municipal[State.OVERDUE]
    for href, count in late_rows[:5]:
        assert listed(client, href.replace("&amp;", "&"))[0] == int(count)

    # Each roadmap's tiles, their lists and that roadmap's report.
    for roadmap in approved:
        shown = tiles(client.get(reverse("execution:dashboard_roadmap", args=[roadmap.pk])).content.decode())
        assert numbers(shown) == report_numbers([roadmap], methodist), roadmap.title
        follow(client, shown)

    # The organisation cards of the busiest schools, the dashboard's row of each, and their lists.
    _, dashboard = municipality_dashboard(user=methodist, pk=municipality.pk)
    rows = {p.pk: p for p in dashboard.organizations}
    busiest = sorted(rows.values(), key=lambda p: -p.total)[:4]
    director_school = Organization.objects.get(code="sch640101")
    for organization_pk in {p.pk for p in busiest} | {director_school.pk}:
        card = client.get(reverse("monitoring:organization", args=[organization_pk])).content.decode()
        shown = counters(card, "assignment-counters")
        assert numbers(shown) == {state: getattr(rows[organization_pk], state) for state in STATE_ORDER}
        follow(client, shown)

    # The director's home: the school's numbers again, its counters leading to the director's list.
    director_client = client_for(director)
    home = counters(director_client.get("/").content.decode(), "home-counters")
    school = rows[director_school.pk]
    assert numbers(home) == {state: getattr(school, state) for state in STATE_ORDER}
    assert home[State.DUE_SOON][0] == 2
    for state in STATE_ORDER:
        count, href = home[state]
        page = director_client.get(href).content.decode()
        assert counters(page, "state-tabs")[state][0] == count
        assert page.count('href="/execution/occurrence/') == min(count, 50), state  # the list's first page

    # The reminders speak of the same occurrences: the director is told of each overdue and due-soon one.
    reminders_send()
    told = Notification.objects.filter(recipient=director)
    assert told.filter(kind=Notification.Kind.OVERDUE).count() == school.overdue
    assert told.filter(kind=Notification.Kind.DUE_SOON).count() == school.due_soon
