"""«Показатели региона» (issue 22, part 5): region values against the sum of the municipalities'
hand-written numerators and denominators, weighting by participants (not a mean of percentages),
another region's municipality left out, who sees what, and the XLSX download."""

import importlib.util
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.analysis.services import indicators_load
from monitoring.indicators import indicators_compute
from monitoring.models import Assessment, IndicatorDefinition, IndicatorValue
from monitoring.region import selectors
from schools.models import Membership, Municipality, Organization
from tests.conftest import make_user

spec = importlib.util.spec_from_file_location("analysis_fixtures", Path(__file__).with_name("analysis_fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

REGION = "Саратовская область"
YEAR = 2024


@pytest.fixture
def catalogue(db):
    indicators_load()
    return {d.code: d for d in IndicatorDefinition.objects.all()}


@pytest.fixture
def far_municipality(db):
    """A municipality of another region: its values never enter Саратовская область's."""
    return Municipality.objects.create(name="Сызранский район", region="Самарская область")


def pooled(catalogue, municipality, code, numerator, denominator, *, subject="", grade=None, year=YEAR, **extra):
    """A municipality's pooled value (organization NULL) as indicators_compute stores it."""
    value = numerator * 100.0 / denominator if numerator is not None and denominator else None
    return IndicatorValue.objects.create(
        indicator=catalogue[code], year=year, municipality=municipality, organization=None, subject=subject,
        grade=grade, numerator=numerator, denominator=denominator, value=extra.pop("value", value), **extra,
    )  # fmt: skip


@pytest.fixture
def values(catalogue, municipality, other_municipality, far_municipality):
    # The share of «2» in ВПР: 10 of 200 and 30 of 100 in the region; 90 of 100 elsewhere.
    pooled(catalogue, municipality, "vpr_share_2", 10, 200)
    pooled(catalogue, other_municipality, "vpr_share_2", 30, 100)
    pooled(catalogue, far_municipality, "vpr_share_2", 90, 100)
    pooled(catalogue, municipality, "vpr_share_2", 6, 60, subject="Математика", grade=5)
    pooled(catalogue, other_municipality, "vpr_share_2", 4, 40, subject="Математика", grade=5)
    # ОГЭ «4» и «5»: only one municipality has results; the other's zero denominator is «нет данных».
    pooled(catalogue, municipality, "oge_share_45", 45, 90)
    pooled(catalogue, other_municipality, "oge_share_45", 0, 0)
    return catalogue


def test_region_value_pools_numerators_and_denominators(values, municipality):
    region = selectors.region_values(REGION, YEAR)
    share_2 = region[(values["vpr_share_2"].pk, "", None)]
    # (10 + 30) / (200 + 100), not the mean of 5 % and 30 % (17,5 %), and without Самарская область's 90
    assert share_2.numerator == 40 and share_2.denominator == 300
    assert share_2.value == pytest.approx(40 * 100 / 300)
    assert share_2.participants == 300
    assert share_2.municipalities == 2
    maths = region[(values["vpr_share_2"].pk, "Математика", 5)]
    assert (maths.numerator, maths.denominator, maths.value) == (10, 100, pytest.approx(10.0))
    oge = region[(values["oge_share_45"].pk, "", None)]
    assert (oge.numerator, oge.denominator, oge.value, oge.municipalities) == (45, 90, pytest.approx(50.0), 1)


def test_another_regions_municipality_is_left_out(values, far_municipality):
    other_region = selectors.region_values("Самарская область", YEAR)
    assert other_region[(values["vpr_share_2"].pk, "", None)].value == pytest.approx(90.0)
    assert (values["oge_share_45"].pk, "", None) not in other_region
    assert selectors.region_values("Саратовская область", YEAR - 1) == {}


def test_region_value_of_results_is_the_sum_of_municipalities_computed(catalogue, school_a, school_b, other_school):
    """End to end: results → indicators_compute → the region; ОГЭ «2» counted by hand."""
    oge = Assessment.objects.create(kind="oge", year=YEAR, subject="Математика", grade=9)
    fixtures.add_results(oge, school_a, marks=[2, 3, 4, 5, 5])  # 1 «2» of 5
    fixtures.add_results(oge, school_b, marks=[2, 2, 3])  # 2 of 3: the municipality 3 of 8
    fixtures.add_results(oge, other_school, marks=[2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3])  # 1 of 12
    indicators_compute(year=YEAR)
    region = selectors.region_values(REGION, YEAR)
    whole = region[(catalogue["oge_share_2"].pk, "", None)]
    assert (whole.numerator, whole.denominator) == (4, 20)
    assert whole.value == pytest.approx(20.0)  # the mean of 37,5 % and 8,3 % would be 22,9 %
    maths = region[(catalogue["oge_share_2"].pk, "Математика", 9)]
    assert (maths.numerator, maths.denominator) == (4, 20)
    assert (catalogue["oge_share_2"].pk, "", None) not in selectors.region_values("Самарская область", YEAR)


def test_mark_distribution_and_control_gap_pool_their_counts(catalogue, municipality, other_municipality):
    pooled(
        catalogue, municipality, "vpr_mark_distribution", 10, 10, value=100.0,
        details={"2": 1, "3": 4, "4": 3, "5": 2},
    )  # fmt: skip
    pooled(
        catalogue, other_municipality, "vpr_mark_distribution", 30, 30, value=100.0,
        details={"2": 9, "3": 6, "4": 10, "5": 5},
    )  # fmt: skip
    # control group: 2 of 4 base or above, the rest 18 of 20 (gap 40); elsewhere 6 of 6 and 10 of 20 (50)
    pooled(
        catalogue, municipality, "kdr_control_gap", None, 4, value=40.0,
        details={"control_group": [2, 4], "rest": [18, 20]},
    )  # fmt: skip
    pooled(
        catalogue, other_municipality, "kdr_control_gap", None, 6, value=50.0,
        details={"control_group": [6, 6], "rest": [10, 20]},
    )  # fmt: skip
    region = selectors.region_values(REGION, YEAR)
    distribution = region[(catalogue["vpr_mark_distribution"].pk, "", None)]
    assert distribution.details == {"2": 10, "3": 10, "4": 13, "5": 7}
    assert distribution.participants == 40 and distribution.value == 100.0
    gap = region[(catalogue["kdr_control_gap"].pk, "", None)]
    # pooled: control 8 of 10 (80 %), rest 28 of 40 (70 %) → 10 p.p. (not the mean gap of 45)
    assert gap.value == pytest.approx(10.0)
    assert gap.details == {"control_group": [8, 10], "rest": [28, 40]}
    assert gap.participants == 50


def test_dynamics_compares_the_same_municipalities_in_both_years(catalogue, municipality, other_municipality):
    dynamics = catalogue["vpr_share_2_dynamics"]
    pooled(catalogue, municipality, "vpr_share_2", 10, 100, subject="Математика", grade=5, year=YEAR - 1)
    pooled(catalogue, municipality, "vpr_share_2", 5, 100, subject="Математика", grade=5)
    # the other municipality wrote this year only: it does not enter the change
    pooled(catalogue, other_municipality, "vpr_share_2", 50, 100, subject="Математика", grade=5)
    pooled(catalogue, municipality, "vpr_share_2_dynamics", None, None, subject="Математика", grade=5, value=-5.0)
    region = selectors.region_values(REGION, YEAR)
    change = region[(dynamics.pk, "Математика", 5)]
    assert change.value == pytest.approx(-5.0)
    assert change.municipalities == 1 and change.participants == 100


def test_counts_are_summed(catalogue, municipality, other_municipality):
    absentees = catalogue["absentees_30"]
    pooled(catalogue, municipality, "absentees_30", 7, None, value=7.0)
    pooled(catalogue, other_municipality, "absentees_30", 5, None, value=5.0)
    value = selectors.region_values(REGION, YEAR)[(absentees.pk, "", None)]
    assert value.value == 12.0 and value.participants is None


def test_region_values_follow_a_recomputation(settings, catalogue, school_a, other_school):
    """Cached by the version of the indicator values: a recomputation shows at once."""
    settings.FRAGMENT_CACHE_SECONDS = 600
    oge = Assessment.objects.create(kind="oge", year=YEAR, subject="Математика", grade=9)
    fixtures.add_results(oge, school_a, marks=[2, 3])
    indicators_compute(year=YEAR)
    key = (catalogue["oge_share_2"].pk, "", None)
    assert selectors.region_values(REGION, YEAR)[key].value == pytest.approx(50.0)
    fixtures.add_results(oge, other_school, marks=[3, 3])
    indicators_compute(year=YEAR)
    assert selectors.region_values(REGION, YEAR)[key].value == pytest.approx(25.0)


# --- the comparison ---------------------------------------------------------------------------


@pytest.fixture
def region_methodist(regional_org):
    regional_org.region = REGION
    regional_org.save()
    return make_user("region_methodist", regional_org, Membership.Role.METHODIST)


@pytest.fixture
def stranger(db):
    """A methodist of another region's ministry."""
    ministry = Organization.objects.create(
        municipality=None, code="min63", kind=Organization.Kind.REGIONAL, short_name="Министерство",
        full_name="Министерство образования Самарской области", region="Самарская область",
    )  # fmt: skip
    return make_user("stranger", ministry, Membership.Role.METHODIST)


def test_comparison_colours_against_the_region_and_sorts(values, region_methodist, municipality, other_municipality):
    comparison = selectors.region_comparison(region_methodist, REGION, YEAR)
    names = [column.definition.code for column in comparison.columns]
    assert names == ["vpr_share_2", "oge_share_45"]
    assert [row.municipality for row in comparison.rows] == [other_municipality, municipality]  # by name
    by_name = {row.municipality.pk: row.cells for row in comparison.rows}
    # lower is better for the share of «2»: 5 % against 13,3 % is better, 30 % worse
    assert by_name[municipality.pk][0].verdict == "better"
    assert by_name[other_municipality.pk][0].verdict == "worse"
    assert by_name[municipality.pk][0].participants == 200
    assert by_name[other_municipality.pk][1].value is None and by_name[other_municipality.pk][1].verdict == ""
    best_first = selectors.region_comparison(region_methodist, REGION, YEAR, sort="c0")
    assert [row.municipality for row in best_first.rows] == [municipality, other_municipality]
    worst_first = selectors.region_comparison(region_methodist, REGION, YEAR, sort="-c0")
    assert [row.municipality for row in worst_first.rows] == [other_municipality, municipality]


def test_comparison_filters(values, region_methodist, municipality):
    oge = selectors.region_comparison(region_methodist, REGION, YEAR, procedure="oge")
    assert [c.definition.code for c in oge.columns] == ["oge_share_45"]
    direction = selectors.region_comparison(region_methodist, REGION, YEAR, direction="1.1")
    assert [c.definition.code for c in direction.columns] == ["vpr_share_2"]
    maths = selectors.region_comparison(region_methodist, REGION, YEAR, subject="Математика")
    assert [(c.definition.code, c.subject, c.grade) for c in maths.columns] == [("vpr_share_2", "Математика", 5)]
    cells = {row.municipality.pk: row.cells[0] for row in maths.rows}
    assert cells[municipality.pk].value == pytest.approx(10.0)  # the same as the region: within the margin
    assert cells[municipality.pk].verdict == "same"
    assert maths.subjects == ["Математика"] and maths.grades == [5]


def test_verdict_respects_the_better_direction():
    higher, lower = IndicatorDefinition.Better.HIGHER, IndicatorDefinition.Better.LOWER
    assert selectors.verdict(60, 50, higher) == "better"
    assert selectors.verdict(60, 50, lower) == "worse"
    assert selectors.verdict(50.5, 50, lower) == "same"
    assert selectors.verdict(None, 50, lower) == ""
    assert selectors.verdict(60, 50, IndicatorDefinition.Better.NONE) == ""


# --- who sees what ------------------------------------------------------------------------------


def test_region_page_for_the_regions_staff_viewer_and_admin(
    client_for, values, region_methodist, viewer, admin_user, municipality
):
    url = reverse("region:values")
    for person in (region_methodist, viewer, admin_user):
        response = client_for(person).get(url, {"region": REGION})
        assert response.status_code == 200, person
        body = response.content.decode()
        assert "Показатели региона" in body and municipality.name in body
        assert "13,3" in body  # the region's share of «2»


def test_region_page_refused_to_municipal_staff_directors_and_other_regions(
    client_for, values, methodist, official, director_a, stranger
):
    url = reverse("region:values")
    for person in (methodist, official, director_a):
        assert client_for(person).get(url).status_code == 403
        assert client_for(person).get(url, {"region": REGION}).status_code == 403
        assert client_for(person).get(reverse("region:export", args=["xlsx"]), {"region": REGION}).status_code == 403
    assert client_for(stranger).get(url, {"region": REGION}).status_code == 403
    assert client_for(stranger).get(url).status_code == 200  # their own region (no values yet)
    assert client_for(None).get(url).status_code == 302


def test_selectors_refuse_like_the_page(values, methodist, director_a, municipality, other_municipality):
    with pytest.raises(PermissionDenied):
        selectors.region_comparison(methodist, REGION, YEAR)
    with pytest.raises(PermissionDenied):
        selectors.region_beside(director_a, municipality, YEAR)
    with pytest.raises(PermissionDenied):  # another municipality's overview is not the methodist's
        selectors.region_beside(methodist, other_municipality, YEAR)


def test_overview_shows_the_region_value_beside_the_municipalitys(client_for, values, methodist, other_municipality):
    body = client_for(methodist).get(reverse("monitoring:overview")).content.decode()
    assert 'id="region-beside"' in body
    assert "13,3" in body and "5,0" in body  # the region's 40 of 300 beside the municipality's 10 of 200
    section = body.split('id="region-beside"')[1].split("</section>")[0]
    assert "лучше региона" in section
    assert "30,0" not in section  # the other municipality's own value is not shown to this methodist
    assert reverse("region:values") not in section  # no link to a page the methodist may not open


def test_region_rows_on_the_overview_are_scoped(values, methodist, municipality):
    rows = {row.definition.code: row for row in selectors.region_beside(methodist, municipality, YEAR)}
    assert rows["vpr_share_2"].own == pytest.approx(5.0)
    assert rows["vpr_share_2"].region.value == pytest.approx(40 * 100 / 300)
    assert rows["vpr_share_2"].verdict == "better"
    assert rows["oge_share_45"].own_participants == 90


# --- download -------------------------------------------------------------------------------------


def test_xlsx_export_has_the_region_row_and_every_municipality(
    client_for, values, region_methodist, municipality, other_municipality
):
    response = client_for(region_methodist).get(reverse("region:export", args=["xlsx"]), {"region": REGION})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Муниципалитет"
    assert rows[0][1].startswith(values["vpr_share_2"].name) and "в целом" in rows[0][1]
    assert rows[0][2] == "Участников (знаменатель)"
    assert rows[1][:3] == [f"{REGION} (регион в целом)", 13.33, 300]
    by_name = {row[0]: row for row in rows[2:]}
    assert set(by_name) == {municipality.name, other_municipality.name}
    assert by_name[municipality.name][1:5] == [5, 200, 50, 90]
    assert by_name[other_municipality.name][1:5] == [30, 100, "нет данных", 0]


# --- the demo -------------------------------------------------------------------------------------


def test_demo_region_compares_two_municipalities(db, client_for):
    """The demo's neighbouring district has results too: the demo region has two municipalities to
    compare, and a second load changes nothing."""
    from monitoring.analysis.demo import load_demo_analysis
    from monitoring.demo import load_demo_results
    from schools.demo import NEIGHBOUR, load_demo_schools

    load_demo_schools()
    load_demo_results()
    load_demo_analysis()
    again = load_demo_results()
    assert again["загрузок соседнего района"] == 0 and again["результатов соседнего района"] == 0
    viewer = get_user_model().objects.get(username="viewer")
    comparison = selectors.region_comparison(viewer, REGION, 2026)
    share_2 = next(c for c in comparison.columns if c.definition.code == "vpr_share_2")
    with_values = [row for row in comparison.rows if row.cells[share_2.index].value is not None]
    assert {row.municipality.name for row in with_values} == {"Новоузенский муниципальный район", NEIGHBOUR}
    assert share_2.region.municipalities == 2
    assert share_2.region.denominator == sum(row.cells[share_2.index].participants for row in with_values)
    assert client_for(viewer).get(reverse("region:values")).status_code == 200


def test_page_opens_on_the_latest_year_most_municipalities_have(
    client_for, values, catalogue, region_methodist, municipality
):
    # next year only one municipality has collected reported data: not the region's picture
    pooled(catalogue, municipality, "teachers_diagnosed", 5, 50, year=YEAR + 1)
    assert selectors.region_coverage(REGION) == {YEAR: 2, YEAR + 1: 1}
    assert selectors.default_year(selectors.region_coverage(REGION)) == YEAR
    assert selectors.default_year({}) is None
    response = client_for(region_methodist).get(reverse("region:values"))
    assert response.context["year"] == YEAR
    chosen = client_for(region_methodist).get(reverse("region:values"), {"year": YEAR + 1})
    assert chosen.context["year"] == YEAR + 1


def test_a_subject_the_year_does_not_have_shows_the_whole_values(values, region_methodist):
    comparison = selectors.region_comparison(region_methodist, REGION, YEAR, subject="Химия", grade=8)
    assert comparison.subject == "" and comparison.grade is None
    assert [c.definition.code for c in comparison.columns] == ["vpr_share_2", "oge_share_45"]
    maths = selectors.region_comparison(region_methodist, REGION, YEAR, subject="Математика", grade=9)
    assert maths.subject == "Математика" and maths.grade is None and len(maths.columns) == 1


def test_regions_staff_read_pooled_values_never_a_schools(catalogue, region_methodist, municipality, school_a):
    pooled(catalogue, municipality, "vpr_share_2", 1, 10)
    IndicatorValue.objects.create(
        indicator=catalogue["vpr_share_2"], year=YEAR, municipality=municipality, organization=school_a,
        numerator=1, denominator=10, value=10.0,
    )  # fmt: skip
    visible = IndicatorValue.objects.for_user(region_methodist)
    assert visible.count() == 1 and visible.get().organization_id is None
