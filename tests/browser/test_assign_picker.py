"""The organisation picker of a measure's assignment: search by name, choose a kind at once, the
chosen count said, and the assignment made for exactly the chosen organisations."""

from playwright.sync_api import expect

from roadmaps.models import Assignment, Measure, Roadmap
from schools.models import Organization
from tests.browser.conftest import login


def test_methodist_finds_schools_by_name_chooses_all_kindergartens_and_assigns(page, demo):
    measure = (
        Measure.objects.filter(section__roadmap__status=Roadmap.Status.DRAFT, assignments__isnull=True)
        .order_by("pk")
        .first()
    )
    municipality_id = measure.section.roadmap.owner.municipality_id
    schools = Organization.objects.filter(municipality_id=municipality_id, kind="school").order_by("short_name")
    preschools = list(Organization.objects.filter(municipality_id=municipality_id, kind="preschool"))
    target = schools.first()
    login(page, "methodist")
    page.goto(f"/roadmaps/measures/{measure.pk}/assign/")
    page.get_by_text("Выбрать организации").click()
    picker = page.locator("[data-picker]")
    picker.get_by_label("Найти организацию").fill(target.short_name.lower())
    visible = picker.locator(".form-check[data-groups]:not(.d-none)")
    expect(visible.first).to_contain_text(target.short_name)
    assert visible.count() < schools.count() + len(preschools)
    picker.get_by_label(target.short_name, exact=False).first.check()
    picker.get_by_label("Найти организацию").fill("")
    if preschools:
        picker.get_by_role("button", name="Все: дошкольная организация").click()
    expect(picker.locator("[data-picker-count]")).to_have_text(f"выбрано: {1 + len(preschools)}")
    page.get_by_role("button", name="Назначить").click()
    expect(page.get_by_text("Назначено исполнений")).to_be_visible()
    assigned = set(Assignment.objects.filter(measure=measure).values_list("organization_id", flat=True))
    assert assigned == {target.pk, *(p.pk for p in preschools)}


def test_methodist_chooses_the_village_organisations_and_one_settlement(page, demo):
    measure = (
        Measure.objects.filter(section__roadmap__status=Roadmap.Status.DRAFT, assignments__isnull=True)
        .order_by("pk")
        .first()
    )
    municipality_id = measure.section.roadmap.owner.municipality_id
    pickable = Organization.objects.filter(
        municipality_id=municipality_id, kind__in=["school", "preschool", "supplementary", "methodical"]
    )
    rural = {o.pk for o in pickable if o.is_rural}
    town = next(o.settlement for o in pickable if not o.is_rural and o.settlement)
    in_town = {o.pk for o in pickable if o.settlement == town}
    assert rural and in_town
    login(page, "methodist")
    page.goto(f"/roadmaps/measures/{measure.pk}/assign/")
    page.get_by_text("Выбрать организации").click()
    picker = page.locator("[data-picker]")
    picker.get_by_role("button", name="Сельские").click()
    expect(picker.locator("[data-picker-count]")).to_have_text(f"выбрано: {len(rural)}")
    picker.get_by_role("button", name="Снять выбор").click()
    place = picker.get_by_label("Населённый пункт: выбрать все организации")
    if place.count():
        place.select_option(label=town)
    else:
        picker.get_by_role("button", name=town, exact=True).click()
    expect(picker.locator("[data-picker-count]")).to_have_text(f"выбрано: {len(in_town)}")
    page.get_by_role("button", name="Назначить").click()
    expect(page.get_by_text("Назначено исполнений")).to_be_visible()
    assert set(Assignment.objects.filter(measure=measure).values_list("organization_id", flat=True)) == in_town
