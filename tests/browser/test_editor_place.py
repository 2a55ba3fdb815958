"""The roadmap editor keeps your place (issue 20): after a move, an add, an edit or a delete the
view stays on the row acted on and the keyboard focus is on it; a new measure's form opens where
its «+ Мероприятие» button was."""

import re
from datetime import date

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from roadmaps import services
from roadmaps.models import Measure, Roadmap, Section
from schools.models import Organization
from tests.browser.conftest import login

TEXT = (
    "Провести анализ результатов оценочных процедур по каждой образовательной организации, "
    "выявить признаки необъективности и обсудить их с руководителями."
)


def long_plan() -> Roadmap:
    """Two sections of fifteen measures with long texts: the page is many screens high."""
    methodist = get_user_model().objects.get(username="methodist")
    roadmap = services.roadmap_create(
        owner=Organization.objects.get(code="uo6401"),
        by=methodist,
        title="Длинный план (браузерный тест)",
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )
    for heading in ("Мероприятия с педагогами", "Работа с родителями"):
        section = services.section_create(roadmap=roadmap, by=methodist, kind=Section.Kind.HEADING, heading=heading)
        for n in range(1, 16):
            services.measure_create(
                section=section,
                by=methodist,
                description=f"{heading}: мероприятие {n}\n\n{TEXT}\n\n{TEXT}",
                deadline_text="Сентябрь",
                actions=f"Шаг {n}.1\nШаг {n}.2\nШаг {n}.3",
            )
    return roadmap


def number(printed: str) -> re.Pattern:
    """A row's number cell: «⇅ 1.9.» (the drag handle, then the number)."""
    return re.compile(rf"(^|\s){re.escape(printed)}$")


def scroll_y(page) -> float:
    return page.evaluate("window.scrollY")


def in_viewport(locator) -> bool:
    """The element's top is on the screen (to a subpixel: a row scrolled to the top is at -0.03)."""
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top > -2 && r.top < window.innerHeight; }"
    )


def focus_inside(page, selector: str) -> bool:
    return page.evaluate(f"document.activeElement.closest({selector!r}) !== null")


def center(locator) -> None:
    locator.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")


def test_move_add_edit_and_delete_keep_the_view_and_the_focus_on_the_row(page, demo_people):
    roadmap = long_plan()
    first = roadmap.sections.order_by("order").first()
    ids = list(first.measures.order_by("order").values_list("pk", flat=True))
    login(page, "methodist")
    page.goto(f"/roadmaps/{roadmap.pk}/")
    page.wait_for_load_state("networkidle")  # the versions and the history load after the page
    assert page.evaluate("document.documentElement.scrollHeight") > 5 * 900

    # ↓ with the keyboard on the eighth measure: it becomes the ninth, the view does not jump
    moved = page.locator(f"#measure-{ids[7]}")
    center(moved)
    before = scroll_y(page)
    moved.get_by_role("button", name="Ниже").focus()
    page.keyboard.press("Enter")
    rows = page.locator(f"#section-{first.pk} tr.measure-row")
    expect(rows.nth(8)).to_have_attribute("id", f"measure-{ids[7]}")
    expect(page.locator(f"#measure-{ids[7]}").get_by_role("button", name="Ниже")).to_be_focused()
    expect(page.locator(f"#measure-{ids[7]} .col-number")).to_have_text(number("1.9."))
    expect(page.locator(f"#measure-{ids[8]} .col-number")).to_have_text(number("1.8."))  # the neighbour renumbered
    assert abs(scroll_y(page) - before) < 400
    assert in_viewport(page.locator(f"#measure-{ids[7]}"))
    assert list(first.measures.order_by("order").values_list("pk", flat=True))[7:9] == [ids[8], ids[7]]

    # Enter again moves it on (the focus stayed on ↓); then ↑ twice from the keyboard
    before = scroll_y(page)
    page.keyboard.press("Enter")
    expect(rows.nth(9)).to_have_attribute("id", f"measure-{ids[7]}")
    expect(page.locator(f"#measure-{ids[7]}").get_by_role("button", name="Ниже")).to_be_focused()
    page.locator(f"#measure-{ids[7]}").get_by_role("button", name="Выше").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(8)).to_have_attribute("id", f"measure-{ids[7]}")
    expect(page.locator(f"#measure-{ids[7]}").get_by_role("button", name="Выше")).to_be_focused()
    page.keyboard.press("Enter")
    expect(rows.nth(7)).to_have_attribute("id", f"measure-{ids[7]}")
    expect(page.locator(f"#measure-{ids[7]}").get_by_role("button", name="Выше")).to_be_focused()
    assert abs(scroll_y(page) - before) < 800
    assert in_viewport(page.locator(f"#measure-{ids[7]}"))
    # the history further down was not brought into view
    assert not in_viewport(page.locator("#roadmap-versions"))

    # «+ Мероприятие»: the form opens where the button was, its first field focused
    add = page.locator(f"#add-measure-{first.pk}").get_by_role("button", name="+ Мероприятие")
    center(add)
    button_top = add.evaluate("el => el.getBoundingClientRect().top")
    add.click()
    form = page.locator(f"#new-measure-{first.pk}")
    expect(form).to_be_visible()
    expect(form.get_by_label("№ (пусто — по порядку)")).to_be_focused()
    form_top = form.evaluate("el => el.getBoundingClientRect().top")
    assert abs(form_top - button_top) < 60, (form_top, button_top)
    expect(add).to_be_hidden()

    # «Отмена» gives the focus back to the button
    form.get_by_role("button", name="Отмена").click()
    expect(form).to_have_count(0)
    expect(add).to_be_focused()

    # saved: the new row stands where the form was and has the focus
    add.click()
    form.get_by_label("Наименование мероприятия").fill("Новое мероприятие в середине страницы")
    form.get_by_label("Сроки (как в документе)").fill("Октябрь")
    form.get_by_role("button", name="Сохранить").click()
    expect(form).to_have_count(0)
    new = Measure.objects.get(description="Новое мероприятие в середине страницы")
    row = page.locator(f"#measure-{new.pk}")
    expect(row).to_be_focused()
    expect(row.locator(".col-number")).to_have_text(number("1.16."))
    assert in_viewport(row)
    expect(add).to_be_visible()

    # «Изменить» and save: the row comes back in view, the focus on its «Изменить»
    edited = page.locator(f"#measure-{ids[3]}")
    center(edited)
    before = scroll_y(page)
    edited.get_by_role("button", name="Изменить").click()
    edit_form = page.locator(f"#measure-{ids[3]}.measure-form-row")
    expect(edit_form.get_by_label("№ (пусто — по порядку)")).to_be_focused()
    edit_form.get_by_label("Сроки (как в документе)").fill("Ноябрь")
    edit_form.get_by_role("button", name="Сохранить").click()
    expect(page.locator(f"#measure-{ids[3]}.measure-row .deadline-text")).to_have_text("Ноябрь")
    expect(page.locator(f"#measure-{ids[3]}").get_by_role("button", name="Изменить")).to_be_focused()
    assert in_viewport(page.locator(f"#measure-{ids[3]}"))
    assert abs(scroll_y(page) - before) < 400

    # delete: the focus goes to the next row, the view stays
    deleted = page.locator(f"#measure-{ids[10]}")
    center(deleted)
    before = scroll_y(page)
    page.once("dialog", lambda dialog: dialog.accept())
    deleted.get_by_role("button", name="Удалить").click()
    expect(page.locator(f"#measure-{ids[10]}")).to_have_count(0)
    expect(page.locator(f"#measure-{ids[11]}")).to_be_focused()
    assert focus_inside(page, f"#measure-{ids[11]}")
    assert in_viewport(page.locator(f"#measure-{ids[11]}"))
    assert abs(scroll_y(page) - before) < 400
    assert not Measure.objects.filter(pk=ids[10]).exists()
    page.wait_for_load_state("networkidle")


def test_a_lead_not_among_the_executors_is_shown_next_to_its_field(page, demo_people):
    roadmap = long_plan()
    measure = roadmap.sections.order_by("order").first().measures.order_by("order").first()
    login(page, "methodist")
    page.goto(f"/roadmaps/{roadmap.pk}/")
    page.wait_for_load_state("networkidle")
    page.locator(f"#measure-{measure.pk}").get_by_role("button", name="Изменить").click()
    form = page.locator(f"#measure-{measure.pk}.measure-form-row")
    lead = form.get_by_label("Ответственный (головной)")
    lead.select_option(index=1)  # a kind of executor, none of which is chosen
    form.get_by_role("button", name="Сохранить").click()
    error = form.locator("#id_lead").locator("xpath=..").locator(".invalid-feedback")
    expect(error).to_contain_text("Ответственный должен быть среди исполнителей")
    expect(form.get_by_label("Ответственный (головной)")).to_be_focused()
    assert not measure.executors.filter(is_lead=True).exists()
    page.wait_for_load_state("networkidle")
