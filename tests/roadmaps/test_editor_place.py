"""The editor keeps your place (issue 20): a move, an add or a delete answers with the one section
it changed, renumbered as the table numbers it, and names the row the focus goes back to; a lead
executor that is not among the executors is an error on its field, on every path of the form."""

import json
from datetime import date

import pytest
from django.urls import reverse

from roadmaps import services
from roadmaps.models import ExecutorKind, Measure, Roadmap, Section
from roadmaps.table import roadmap_table, section_block

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roadmap(authority, methodist) -> Roadmap:
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2026, 9, 1), period_end=date(2027, 8, 31)
    )
    for heading in ("1. Мероприятия с педагогами", "Работа с родителями"):
        section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading=heading)
        for n in range(1, 4):
            services.measure_create(section=section, by=methodist, description=f"{heading} {n}", deadline_text="Май")
    return roadmap


def sections(roadmap):
    return list(roadmap.sections.order_by("order"))


def ids(section) -> list[int]:
    return list(section.measures.order_by("order", "pk").values_list("pk", flat=True))


def place(response) -> dict:
    return json.loads(response["HX-Trigger-After-Settle"])["roadmap-place"]


def form_data(**overrides) -> dict:
    data = {"description": "Семинар", "deadline_text": "Октябрь"}
    data.update(overrides)
    return data


# --- only the section changed, numbered as the table numbers it --------------------------------


def test_a_section_block_is_numbered_as_the_whole_table(roadmap):
    table = roadmap_table(roadmap)
    for block in table:
        alone = section_block(block.section)
        assert [(r.measure.pk, r.number) for r in alone.rows] == [(r.measure.pk, r.number) for r in block.rows]
        assert alone.label == block.label
    assert [r.number for r in section_block(sections(roadmap)[1]).rows] == ["2.1.", "2.2.", "2.3."]


def test_a_move_answers_with_its_section_renumbered_and_the_focus_on_the_arrow(roadmap, methodist, client_for):
    second = sections(roadmap)[1]
    first_id, second_id, third_id = ids(second)
    response = client_for(methodist).post(
        reverse("roadmaps:measure_move", args=[second_id]), {"direction": "down"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#section-{second.pk}" and response["HX-Reswap"] == "outerHTML"
    assert place(response) == {"row": f"measure-{second_id}", "control": "down"}
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tbody id="section-{second.pk}"')
    assert html.index(f'id="measure-{third_id}"') < html.index(f'id="measure-{second_id}"')
    assert f'id="measure-{ids(sections(roadmap)[0])[0]}"' not in html  # the other section is not sent
    assert '<tr id="measure-' + str(second_id) + '"' in html and "2.3." in html
    assert ids(second) == [first_id, third_id, second_id]
    assert 'data-control="down"' in html and f'id="add-measure-{second.pk}"' in html


def test_a_drag_answers_with_its_section(roadmap, methodist, client_for):
    first = sections(roadmap)[0]
    order = ids(first)[::-1]
    response = client_for(methodist).post(
        reverse("roadmaps:measures_reorder", args=[first.pk]), {"order": ",".join(map(str, order))}, **HTMX
    )
    assert response["HX-Retarget"] == f"#section-{first.pk}"
    assert "HX-Trigger-After-Settle" not in response
    assert ids(first) == order


@pytest.mark.parametrize(
    ("deleted", "focused"),
    [(0, "measure-{1}"), (2, "measure-{1}"), (None, "add-measure-{section}")],
)
def test_a_delete_puts_the_focus_on_a_neighbour(roadmap, methodist, client_for, deleted, focused):
    section = sections(roadmap)[0]
    measures = ids(section)
    if deleted is None:  # the only measure left: the focus goes to the section's «+ Мероприятие»
        for pk in measures[1:]:
            services.measure_delete(measure=Measure.objects.get(pk=pk), by=methodist)
        deleted = 0
    response = client_for(methodist).post(reverse("roadmaps:measure_delete", args=[measures[deleted]]), **HTMX)
    assert response["HX-Retarget"] == f"#section-{section.pk}"
    expected = focused.format(*measures, section=section.pk)
    assert place(response) == {"row": expected, "control": "add" if expected.startswith("add-") else ""}
    assert not Measure.objects.filter(pk=measures[deleted]).exists()


def test_a_new_measure_takes_the_place_of_its_form_and_the_focus(roadmap, methodist, client_for):
    first = sections(roadmap)[0]
    response = client_for(methodist).post(reverse("roadmaps:measure_add", args=[first.pk]), form_data(), **HTMX)
    new = first.measures.get(description="Семинар")
    assert ids(first)[-1] == new.pk
    assert response["HX-Retarget"] == f"#section-{first.pk}"
    assert place(response) == {"row": f"measure-{new.pk}", "control": ""}
    html = response.content.decode()
    assert html.index(f'id="measure-{new.pk}"') < html.index(f'id="add-measure-{first.pk}"')
    assert "1.4." in html


def test_an_edit_and_its_cancel_put_the_focus_on_the_rows_edit_button(roadmap, methodist, client_for):
    pk = ids(sections(roadmap)[0])[1]
    client = client_for(methodist)
    measure = Measure.objects.get(pk=pk)
    saved = client.post(
        reverse("roadmaps:measure_edit", args=[pk]), form_data(lock_version=measure.lock_version), **HTMX
    )
    assert place(saved) == {"row": f"measure-{pk}", "control": "edit"}
    assert "1.2." in saved.content.decode()
    cancelled = client.get(reverse("roadmaps:measure_row", args=[pk]), **HTMX)
    assert place(cancelled) == {"row": f"measure-{pk}", "control": "edit"}


def test_a_reader_gets_the_row_without_the_editors_focus(roadmap, methodist, official, viewer, client_for):
    pk = ids(sections(roadmap)[0])[0]
    response = client_for(viewer).get(reverse("roadmaps:measure_row", args=[pk]), **HTMX)
    assert response.status_code == 200 and "HX-Trigger-After-Settle" not in response
    assert "Изменить" not in response.content.decode()


# --- the lead executor is one of the executors -------------------------------------------------


def kinds():
    first, second = ExecutorKind.objects.order_by("pk")[:2]
    return first, second


LEAD_ERROR = "Ответственный должен быть среди исполнителей"


def assert_error_at_lead(html: str) -> None:
    """The error is the lead field's own: right after its select, which is marked invalid."""
    select = html.index('name="lead"')
    assert "is-invalid" in html[html.rindex("<select", 0, select) : html.index(">", select)]
    assert LEAD_ERROR in html[select : select + 2500]


def test_a_new_measure_with_a_lead_not_among_its_executors_is_refused_at_the_field(roadmap, methodist, client_for):
    first = sections(roadmap)[0]
    chosen, other = kinds()
    data = form_data(executor_kinds=[chosen.pk], lead=f"kind:{other.pk}")
    client = client_for(methodist)
    htmx = client.post(reverse("roadmaps:measure_add", args=[first.pk]), data, **HTMX)
    assert htmx.status_code == 200 and "HX-Retarget" not in htmx
    assert_error_at_lead(htmx.content.decode())
    assert f"отметьте «{other.title}»" in htmx.content.decode()
    page = client.post(reverse("roadmaps:measure_add", args=[first.pk]), data)  # the form's own page
    assert page.status_code == 200
    assert_error_at_lead(page.content.decode())
    assert not first.measures.filter(description="Семинар").exists()


def test_an_edit_with_a_lead_not_among_its_executors_saves_nothing(roadmap, methodist, client_for):
    measure = Measure.objects.get(pk=ids(sections(roadmap)[0])[0])
    chosen, other = kinds()
    data = form_data(lock_version=measure.lock_version, executor_kinds=[chosen.pk], lead=f"kind:{other.pk}")
    client = client_for(methodist)
    for extra in (HTMX, {}):
        response = client.post(reverse("roadmaps:measure_edit", args=[measure.pk]), data, **extra)
        assert response.status_code == 200
        assert_error_at_lead(response.content.decode())
    measure.refresh_from_db()
    assert measure.description != "Семинар" and not measure.executors.exists()


def test_a_lead_organisation_must_be_among_the_executor_organisations(roadmap, methodist, client_for, school_a):
    measure = Measure.objects.get(pk=ids(sections(roadmap)[0])[0])
    data = form_data(lock_version=measure.lock_version, lead=f"org:{school_a.pk}")
    response = client_for(methodist).post(reverse("roadmaps:measure_edit", args=[measure.pk]), data, **HTMX)
    assert_error_at_lead(response.content.decode())
    assert "Исполнители (организации)" in response.content.decode()


def test_a_lead_among_the_executors_is_saved_as_the_lead(roadmap, methodist, client_for):
    measure = Measure.objects.get(pk=ids(sections(roadmap)[0])[0])
    chosen, other = kinds()
    data = form_data(lock_version=measure.lock_version, executor_kinds=[chosen.pk, other.pk], lead=f"kind:{other.pk}")
    response = client_for(methodist).post(reverse("roadmaps:measure_edit", args=[measure.pk]), data, **HTMX)
    assert response.status_code == 200 and LEAD_ERROR not in response.content.decode()
    lead = measure.executors.get(is_lead=True)
    assert lead.executor_kind == other and measure.executors.count() == 2
