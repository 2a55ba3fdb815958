"""Who may open and do what on the roadmap pages: every view and action, for every role.

Methodists and officials of the municipality edit its drafts; only officials approve or return;
directors read approved and archived roadmaps of their municipality; viewers read all; approved
and archived roadmaps are read-only for everyone (403)."""

from datetime import date

import pytest
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Direction, FunctionType, Measure, Roadmap, Section

PEOPLE = ["methodist", "official", "director_a", "director_b", "viewer", "anonymous"]


@pytest.fixture
def people(methodist, official, director_a, director_b, viewer):
    return {
        "methodist": methodist,
        "official": official,
        "director_a": director_a,
        "director_b": director_b,
        "viewer": viewer,
        "anonymous": None,
    }


def build(authority, methodist, official, *, status: str) -> Roadmap:
    roadmap = services.roadmap_create(
        owner=authority,
        by=methodist,
        title=f"План ({status})",
        period_start=date(2022, 8, 1),
        period_end=date(2023, 7, 31),
    )
    section = services.section_create(
        roadmap=roadmap,
        by=methodist,
        kind=Section.Kind.DIRECTION,
        direction=Direction.objects.get(code="1.1"),
        function_type=FunctionType.objects.get(code="regional_cycle"),
    )
    services.section_generate_steps(section=section, by=methodist)
    if status == "draft":
        return roadmap
    services.roadmap_submit(roadmap=roadmap, by=methodist)
    if status == "on_approval":
        return roadmap
    services.roadmap_approve(
        roadmap=roadmap, by=official, order_number="7", order_date=date(2022, 8, 29), signatory_name="Т.В. Разуваева"
    )
    roadmap.refresh_from_db()
    return roadmap


@pytest.fixture
def roadmaps(authority, methodist, official):
    return {
        status: build(authority, methodist, official, status=status) for status in ("draft", "on_approval", "approved")
    }


def first_measure(roadmap) -> Measure:
    return Measure.objects.filter(section__roadmap=roadmap).order_by("section__order", "order").first()


def first_section(roadmap) -> Section:
    return roadmap.sections.order_by("order").first()


def status_of(client_for, user, method, url, data=None):
    client = client_for(user)
    response = client.get(url) if method == "get" else client.post(url, data or {})
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


READ_DRAFT = {
    "methodist": 200,
    "official": 200,
    "director_a": 404,
    "director_b": 404,
    "viewer": 200,
    "anonymous": "login",
}
READ_PUBLISHED = {
    "methodist": 200,
    "official": 200,
    "director_a": 200,
    "director_b": 200,
    "viewer": 200,
    "anonymous": "login",
}
EDIT_DRAFT_GET = {
    "methodist": 200,
    "official": 200,
    "director_a": 404,
    "director_b": 404,
    "viewer": 403,
    "anonymous": "login",
}
EDIT_DRAFT_POST = {
    "methodist": 302,
    "official": 302,
    "director_a": 404,
    "director_b": 404,
    "viewer": 403,
    "anonymous": "login",
}
FROZEN = {"methodist": 403, "official": 403, "director_a": 403, "director_b": 403, "viewer": 403, "anonymous": "login"}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("name", "state", "expected"),
    [
        ("detail", "draft", READ_DRAFT),
        ("detail", "approved", READ_PUBLISHED),
        ("history", "draft", READ_DRAFT),
        ("history", "approved", READ_PUBLISHED),
        ("versions", "draft", READ_DRAFT),
        ("versions", "approved", READ_PUBLISHED),
        ("update", "draft", EDIT_DRAFT_GET),
        ("update", "approved", FROZEN),
    ],
)
def test_roadmap_pages(who, name, state, expected, people, roadmaps, client_for):
    url = reverse(f"roadmaps:{name}", args=[roadmaps[state].pk])
    assert status_of(client_for, people[who], "get", url) == expected[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_list_shows_each_person_what_they_may_read(who, people, roadmaps, client_for):
    response = client_for(people[who]).get(reverse("roadmaps:list"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    shown = {r.status for r in response.context["page"]}
    expected = {"approved"} if who.startswith("director") else {"draft", "on_approval", "approved"}
    assert shown == expected


def test_list_filters_by_status_year_direction_and_text(methodist, roadmaps, client_for):
    client = client_for(methodist)

    def titles(**params):
        return {r.title for r in client.get(reverse("roadmaps:list"), params).context["page"]}

    assert titles(status="approved") == {"План (approved)"}
    assert titles(year=2023) == {"План (draft)", "План (on_approval)", "План (approved)"}
    assert titles(year=2030) == set()
    assert titles(direction=Direction.objects.get(code="1.1").pk) == titles()
    assert titles(direction=Direction.objects.get(code="2.4").pk) == set()
    assert titles(q="draft") == {"План (draft)"}
    assert titles(q="региональных") == titles()  # text of the generated measures


@pytest.mark.parametrize("who", PEOPLE)
def test_create_page(who, people, client_for):
    expected = {"methodist": 200, "official": 200, "director_a": 403, "director_b": 403, "viewer": 403}
    assert status_of(client_for, people[who], "get", reverse("roadmaps:create")) == expected.get(who, "login")


def test_methodist_creates_a_roadmap(methodist, authority, client_for):
    response = client_for(methodist).post(
        reverse("roadmaps:create"),
        {
            "owner": authority.pk,
            "level": "municipal",
            "title": "План мероприятий на 2022/2023",
            "period_kind": "academic",
            "period_start": "2022-08-01",
            "period_end": "2023-07-31",
            "stamp": "approval",
        },
    )
    roadmap = Roadmap.objects.get(title="План мероприятий на 2022/2023")
    assert response.status_code == 302 and response["Location"] == reverse("roadmaps:detail", args=[roadmap.pk])
    assert roadmap.period_label == "2022/2023 учебный год"


def test_create_with_wrong_period_names_the_field(methodist, authority, client_for):
    response = client_for(methodist).post(
        reverse("roadmaps:create"),
        {"owner": authority.pk, "level": "municipal", "title": "План", "period_kind": "academic",
         "period_start": "2023-08-01", "period_end": "2022-07-31", "stamp": "approval"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Окончание периода должно быть позже его начала" in response.content.decode()


def _action(name, roadmap):
    """(method, url, data) for each write action, on the roadmap given."""
    section, measure = first_section(roadmap), first_measure(roadmap)
    return {
        "delete": ("post", reverse("roadmaps:delete", args=[roadmap.pk]), {}),
        "submit": ("post", reverse("roadmaps:submit", args=[roadmap.pk]), {}),
        "section_add": (
            "post",
            reverse("roadmaps:section_add", args=[roadmap.pk]),
            {"kind": "heading", "heading": "Мероприятия с ОО"},
        ),
        "section_move": ("post", reverse("roadmaps:section_move", args=[section.pk]), {"direction": "down"}),
        "sections_reorder": (
            "post",
            reverse("roadmaps:sections_reorder", args=[roadmap.pk]),
            {"order": str(section.pk)},
        ),
        "section_generate": ("post", reverse("roadmaps:section_generate", args=[section.pk]), {"confirm": "1"}),
        "section_delete": ("post", reverse("roadmaps:section_delete", args=[section.pk]), {}),
        "measure_add_get": ("get", reverse("roadmaps:measure_add", args=[section.pk]), None),
        "measure_edit_get": ("get", reverse("roadmaps:measure_edit", args=[measure.pk]), None),
        "measure_edit": (
            "post",
            reverse("roadmaps:measure_edit", args=[measure.pk]),
            {"lock_version": measure.lock_version, "description": "Новое описание", "deadline_text": "Май"},
        ),
        "measure_move": ("post", reverse("roadmaps:measure_move", args=[measure.pk]), {"direction": "down"}),
        "measures_reorder": (
            "post",
            reverse("roadmaps:measures_reorder", args=[section.pk]),
            {"order": ",".join(str(m.pk) for m in section.measures.order_by("-order"))},
        ),
        "measure_delete": ("post", reverse("roadmaps:measure_delete", args=[measure.pk]), {}),
        "measure_add": (
            "post",
            reverse("roadmaps:measure_add", args=[section.pk]),
            {"description": "Семинар", "deadline_text": "Октябрь"},
        ),
        "clear_flags": ("post", reverse("roadmaps:clear_flags", args=[roadmap.pk]), {}),
    }[name]


DRAFT_WRITES = [
    ("delete", 302),
    ("submit", 302),
    ("section_add", 302),
    ("section_move", 302),
    ("sections_reorder", 200),
    ("section_generate", 302),
    ("section_delete", 302),
    ("measure_add_get", 200),
    ("measure_edit_get", 200),
    ("measure_edit", 302),
    ("measure_move", 302),
    ("measures_reorder", 200),
    ("measure_delete", 302),
    ("measure_add", 302),
    ("clear_flags", 302),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("action", "ok"), DRAFT_WRITES)
def test_draft_writes(who, action, ok, people, roadmaps, client_for):
    method, url, data = _action(action, roadmaps["draft"])
    expected = {**EDIT_DRAFT_POST, "methodist": ok, "official": ok}
    assert status_of(client_for, people[who], method, url, data) == expected[who]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("action", "ok"), [a for a in DRAFT_WRITES if a[0] != "submit"])
def test_approved_is_read_only_for_everyone(who, action, ok, people, roadmaps, client_for):
    approved = roadmaps["approved"]
    before = list(Measure.objects.filter(section__roadmap=approved).values_list("description", "order"))
    method, url, data = _action(action, approved)
    assert status_of(client_for, people[who], method, url, data) == FROZEN[who]
    assert list(Measure.objects.filter(section__roadmap=approved).values_list("description", "order")) == before


@pytest.mark.parametrize("who", PEOPLE)
def test_submit_approved_is_forbidden(who, people, roadmaps, client_for):
    url = reverse("roadmaps:submit", args=[roadmaps["approved"].pk])
    # its editors are told why (test_approval: «Отправить на утверждение можно только черновик»)
    expected = {**FROZEN, "methodist": 302, "official": 302}
    assert status_of(client_for, people[who], "post", url) == expected[who]


DECIDE = {"methodist": 403, "official": 302, "director_a": 404, "director_b": 404, "viewer": 403, "anonymous": "login"}


@pytest.mark.parametrize("who", PEOPLE)
def test_only_official_approves(who, people, roadmaps, client_for):
    roadmap = roadmaps["on_approval"]
    url = reverse("roadmaps:approve", args=[roadmap.pk])
    assert (
        status_of(
            client_for,
            people[who],
            "post",
            url,
            {"order_number": "12", "order_date": "2022-09-01", "signatory_name": "Т.В. Разуваева"},
        )
        == DECIDE[who]
    )
    roadmap.refresh_from_db()
    assert roadmap.status == ("approved" if who == "official" else "on_approval")


@pytest.mark.parametrize("who", PEOPLE)
def test_only_official_returns(who, people, roadmaps, client_for):
    roadmap = roadmaps["on_approval"]
    url = reverse("roadmaps:return", args=[roadmap.pk])
    assert status_of(client_for, people[who], "post", url, {"comment": "Уточнить сроки"}) == DECIDE[who]


def test_approve_without_order_number_shows_russian_message(official, roadmaps, client_for):
    roadmap = roadmaps["on_approval"]
    client = client_for(official)
    response = client.post(
        reverse("roadmaps:approve", args=[roadmap.pk]), {"order_number": "", "order_date": ""}, follow=True
    )
    assert "Утверждение не выполнено" in response.content.decode()
    roadmap.refresh_from_db()
    assert roadmap.status == "on_approval"


AMEND = {"methodist": 302, "official": 302, "director_a": 403, "director_b": 403, "viewer": 403, "anonymous": "login"}


@pytest.mark.parametrize("who", PEOPLE)
def test_amend(who, people, roadmaps, client_for):
    url = reverse("roadmaps:amend", args=[roadmaps["approved"].pk])
    assert status_of(client_for, people[who], "post", url) == AMEND[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_copy_to_period(who, people, roadmaps, client_for):
    url = reverse("roadmaps:copy", args=[roadmaps["approved"].pk])
    data = {"period_start": "2023-08-01", "period_end": "2024-07-31"}
    assert status_of(client_for, people[who], "post", url, data) == AMEND[who]


ASSIGN = {"methodist": 200, "official": 200, "director_a": 403, "director_b": 403, "viewer": 403, "anonymous": "login"}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("state", ["draft", "approved"])
def test_assign_page(who, state, people, roadmaps, client_for):
    url = reverse("roadmaps:measure_assign", args=[first_measure(roadmaps[state]).pk])
    expected = ASSIGN if state == "approved" else {**ASSIGN, "director_a": 404, "director_b": 404}
    assert status_of(client_for, people[who], "get", url) == expected[who]


def test_assign_all_schools(methodist, roadmaps, client_for, school_a, school_b):
    measure = first_measure(roadmaps["approved"])
    client = client_for(methodist)
    response = client.post(reverse("roadmaps:measure_assign", args=[measure.pk]), {"all_schools": "on"})
    assert response.status_code == 302
    assert set(measure.assignments.values_list("organization_id", flat=True)) == {school_a.pk, school_b.pk}


def test_page_shows_workflow_buttons_by_role(people, roadmaps, client_for):
    def page(who, state):
        return client_for(people[who]).get(reverse("roadmaps:detail", args=[roadmaps[state].pk])).content.decode()

    assert "Отправить на утверждение" in page("methodist", "draft")
    assert "Отправить на утверждение" not in page("viewer", "draft")
    assert "Утвердить" in page("official", "on_approval")
    assert "Утвердить</button>" not in page("methodist", "on_approval")
    approved = page("methodist", "approved")
    assert "Внести изменения" in approved and "только для чтения" in approved
    assert 'hx-get="/roadmaps/measures/' not in approved  # no inline edit on an approved roadmap
    assert "Внести изменения" not in page("director_a", "approved")
    assert "Назначить организациям" in approved
    assert "Назначить организациям" not in page("director_a", "approved")


def test_inline_edit_validation_errors_are_russian_and_inline(methodist, roadmaps, client_for):
    measure = first_measure(roadmaps["draft"])
    response = client_for(methodist).post(
        reverse("roadmaps:measure_edit", args=[measure.pk]),
        {"lock_version": measure.lock_version, "description": "", "deadline_text": "", "target_value": "много"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Обязательное поле" in html
    assert "Укажите сроки мероприятия" in html
    assert "«много» — не число" in html
    assert f'id="measure-{measure.pk}"' in html


def test_inline_edit_saves_and_returns_the_row(methodist, roadmaps, client_for):
    measure = first_measure(roadmaps["draft"])
    response = client_for(methodist).post(
        reverse("roadmaps:measure_edit", args=[measure.pk]),
        {
            "lock_version": measure.lock_version,
            "description": "Совещание с руководителями ОО",
            "deadline_text": "Сентябрь, ноябрь, март-апрель",
            "actions": "Подготовить приказ\nПровести совещание",
            "qualifier": "совместно с ДМиС",
            "target_value": "50",
            "target_comparator": "gte",
            "target_unit": "%",
            "target_per_year": "2022: 45; 2023: 50",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Совещание с руководителями ОО" in html and "Провести совещание" in html
    assert "3 срока" in html
    assert "совместно с ДМиС" in html
    measure.refresh_from_db()
    assert measure.target_per_year == {"2022": "45", "2023": "50"}


def test_inline_edit_conflict_is_reported(methodist, official, roadmaps, client_for):
    measure = first_measure(roadmaps["draft"])
    services.measure_update(measure=measure, by=official, lock_version=measure.lock_version, note="правка")
    response = client_for(methodist).post(
        reverse("roadmaps:measure_edit", args=[measure.pk]),
        {"lock_version": measure.lock_version, "description": "Другое", "deadline_text": "Май"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "уже изменил другой пользователь" in html and "примечание" in html


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("state", ["draft", "approved"])
def test_section_edit(who, state, people, roadmaps, client_for):
    url = reverse("roadmaps:section_edit", args=[first_section(roadmaps[state]).pk])
    expected = EDIT_DRAFT_GET if state == "draft" else FROZEN
    assert status_of(client_for, people[who], "get", url) == expected[who]


def test_section_edit_changes_tracks_and_function(methodist, roadmaps, client_for):
    section = first_section(roadmaps["draft"])
    tracks = list(section.direction.tracks.order_by("order")[:2])
    function = FunctionType.objects.get(code="full_cycle")
    response = client_for(methodist).post(
        reverse("roadmaps:section_edit", args=[section.pk]),
        {"tracks": [t.pk for t in tracks], "function_type": function.pk, "number": ""},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert set(section.tracks.all()) == set(tracks) and section.function_type == function


@pytest.mark.parametrize("who", PEOPLE)
def test_deadline_preview(who, people, roadmaps, client_for):
    url = (
        reverse("roadmaps:deadline_preview", args=[roadmaps["draft"].pk])
        + "?deadline_text=Сентябрь, ноябрь, март-апрель"
    )
    client = client_for(people[who])
    response = client.get(url)
    if READ_DRAFT[who] == 200:
        assert "3 срока" in response.content.decode()
    else:
        assert status_of(client_for, people[who], "get", url) == READ_DRAFT[who]


def test_texts_are_escaped_in_rows(methodist, roadmaps, client_for):
    measure = first_measure(roadmaps["draft"])
    services.measure_update(
        measure=measure,
        by=methodist,
        lock_version=measure.lock_version,
        description='<script>alert("x")</script>\n\nвторой абзац\n- пункт',
        actions=["<b>жирно</b>"],
        note="<img src=x>",
    )
    html = client_for(methodist).get(reverse("roadmaps:detail", args=[roadmaps["draft"].pk])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<p>второй абзац<br>- пункт</p>" in html
    assert "&lt;b&gt;жирно&lt;/b&gt;" in html and "<img src=x>" not in html


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("state", "expected"), [("draft", READ_DRAFT), ("approved", READ_PUBLISHED)])
def test_measure_row(who, state, expected, people, roadmaps, client_for):
    url = reverse("roadmaps:measure_row", args=[first_measure(roadmaps[state]).pk])
    assert status_of(client_for, people[who], "get", url) == expected[who]


def test_versions_page_shows_the_difference(methodist, roadmaps, client_for):
    amendment = services.roadmap_amend(roadmap=roadmaps["approved"], by=methodist)
    measure = first_measure(amendment)
    services.measure_update(measure=measure, by=methodist, lock_version=0, deadline_text="Сентябрь")
    services.measure_create(section=measure.section, by=methodist, description="Новый семинар", deadline_text="Май")
    html = client_for(methodist).get(reverse("roadmaps:versions", args=[amendment.pk])).content.decode()
    assert "Отличия версии 2 от версии 1" in html
    assert "Добавлены (1)" in html and "Новый семинар" in html
    assert "Изменены (1)" in html and "<del>Август</del> → Сентябрь" in html


def test_copy_page_shows_flags(methodist, roadmaps, client_for):
    approved = roadmaps["approved"]
    Measure.objects.filter(pk=first_measure(approved).pk).update(note="итоги форума «Иннопром-2020»")
    response = client_for(methodist).post(
        reverse("roadmaps:copy", args=[approved.pk]),
        {"period_start": "2023-08-01", "period_end": "2024-07-31"},
        follow=True,
    )
    html = response.content.decode()
    assert "Проверьте тексты с годом прежнего периода (1)" in html
    assert "Иннопром-2020" in html


def test_period_change_reparses_deadlines(methodist, roadmaps, client_for, authority):
    roadmap = roadmaps["draft"]
    response = client_for(methodist).post(
        reverse("roadmaps:update", args=[roadmap.pk]),
        {"owner": authority.pk, "level": "municipal", "title": roadmap.title, "period_kind": "academic",
         "period_start": "2023-08-01", "period_end": "2024-07-31", "stamp": "approval"},
    )  # fmt: skip
    assert response.status_code == 302
    first = first_measure(roadmap)
    assert first.deadline["occurrences"][0]["start"] == "2023-08-01"


def test_page_lists_measures_whose_deadline_needs_dates(methodist, roadmaps, client_for):
    measure = first_measure(roadmaps["draft"])
    services.measure_update(
        measure=measure, by=methodist, lock_version=measure.lock_version, deadline_text="Июль 2019-01-27"
    )
    html = client_for(methodist).get(reverse("roadmaps:detail", args=[roadmaps["draft"].pk])).content.decode()
    assert "Сроки не распознаны (1): мероприятия № 1." in html


def test_refused_htmx_write_shows_the_russian_message_in_the_alerts(methodist, roadmaps, client_for):
    roadmap = roadmaps["draft"]
    response = client_for(methodist).post(
        reverse("roadmaps:sections_reorder", args=[roadmap.pk]), {"order": "999999"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "#roadmap-alerts"
    assert "Порядок разделов устарел: обновите страницу и повторите" in response.content.decode()
