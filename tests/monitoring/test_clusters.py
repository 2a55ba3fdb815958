"""Clusters of comparable schools: the quantile rule checked by hand, reproducibility, the choice
shown with the result, the job, the cluster averages on the card and the overview, and access."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from config.jobs.models import Job
from monitoring.clusters.selectors import cluster_values, clustering_for, clusters_by_rules, weighted
from monitoring.clusters.services import band_of, clustering_compute, quantile_cuts
from monitoring.models import Clustering, ClusterMember, IndicatorDefinition, IndicatorValue, ZoningMethod, ZoningRule
from schools.models import SchoolContext
from tests.conftest import make_organization, make_user

YEAR = 2026
# code, pupils, ovz, rural, classes, teachers, vacancies
SCHOOLS = [
    ("c01", 40, 2, True, 4, 8, 1),
    ("c02", 55, 10, True, 5, 9, 0),
    ("c03", 60, 0, True, 6, 10, 2),
    ("c04", 150, 5, True, 11, 16, 0),
    ("c05", 210, 30, False, 12, 20, 1),
    ("c06", 300, 3, False, 14, 25, 0),
    ("c07", 480, 20, False, 20, 35, 3),
    ("c08", 640, 6, False, 25, 44, 0),
    ("c09", 812, 12, False, 32, 54, 2),
]


@pytest.fixture
def schools(municipality):
    made = {}
    for code, pupils, ovz, rural, classes, teachers, vacancies in SCHOOLS:
        school = make_organization(municipality, code, f"Школа {code}", is_rural=rural)
        SchoolContext.objects.create(
            organization=school, year=YEAR, pupils=pupils, ovz_pupils=ovz, is_rural=rural, classes=classes,
            teachers=teachers, vacancies=vacancies,
        )  # fmt: skip
        made[code] = school
    made["empty"] = make_organization(municipality, "c10", "Школа без данных")
    return made


def compute(municipality, by, variables=("pupils", "rural"), bands=3):
    return clustering_compute(municipality=municipality, year=YEAR, variables=list(variables), bands=bands, by=by)


def groups(clustering) -> dict[str, list[str]]:
    result = {}
    for member in ClusterMember.objects.filter(clustering=clustering).select_related("cluster", "organization"):
        result.setdefault(member.cluster.label, []).append(member.organization.code)
    return {label: sorted(codes) for label, codes in result.items()}


def test_the_quantile_rule_by_hand():
    # nine values, three bands: the cuts are the 3rd and the 6th value in order
    values = [40, 55, 60, 150, 210, 300, 480, 640, 812]
    assert quantile_cuts(values, 3) == [60, 300]
    assert [band_of(v, [60, 300]) for v in values] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    # ten values: places ⌈10/3⌉ = 4 and ⌈20/3⌉ = 7
    assert quantile_cuts(list(range(1, 11)), 3) == [4, 7]
    # equal values never part: the cut is the value itself, and both copies are at most it
    assert quantile_cuts([5, 5, 5, 9], 2) == [5]
    assert [band_of(v, [5]) for v in (5, 5, 5, 9)] == [0, 0, 0, 1]
    assert quantile_cuts([1, 2, 3, 4], 4) == [1, 2, 3]


def test_contingent_terciles_by_rural_give_named_clusters(schools, municipality, methodist):
    clustering = compute(municipality, methodist)
    assert clustering.cuts == {"pupils": [60.0, 300.0]}
    assert groups(clustering) == {
        "Малочисленная сельская": ["c01", "c02", "c03"],
        "Средняя по численности сельская": ["c04"],
        "Средняя по численности городская": ["c05", "c06"],
        "Многочисленная городская": ["c07", "c08", "c09"],
    }
    small = clustering.clusters.get(label="Малочисленная сельская")
    assert small.description == (
        "Численность обучающихся: нижняя треть по муниципалитету, до 60 чел. включительно; Сельская местность: да"
    )
    assert small.means["pupils"] == round((40 + 55 + 60) / 3, 2)
    assert small.means["rural"] == 100
    # the choice is kept with the result
    assert (clustering.method, clustering.variables, clustering.bands) == ("quantile", ["pupils", "rural"], 3)
    assert clustering.unassigned == [["c10", "Школа без данных"]]


def test_bands_of_shares_are_described_in_words(schools, municipality, methodist):
    clustering = compute(municipality, methodist, variables=("ovz_share",), bands=2)
    # shares of ОВЗ, %: 5, 18.2, 0, 3.3, 14.3, 1, 4.2, 0.9, 1.5 → the 5th of nine in order is 3.3
    assert clustering.cuts["ovz_share"] == [pytest.approx(100 * 5 / 150)]
    labels = set(clustering.clusters.values_list("label", flat=True))
    assert labels == {"Школа с малой долей детей с ОВЗ", "Школа с большой долей детей с ОВЗ"}
    assert sorted(groups(clustering)["Школа с большой долей детей с ОВЗ"]) == ["c01", "c02", "c05", "c07"]


def test_the_same_data_and_choice_give_the_same_clusters(schools, municipality, methodist):
    first = groups(compute(municipality, methodist, variables=("pupils", "rural", "ovz_share")))
    second = groups(compute(municipality, methodist, variables=("pupils", "rural", "ovz_share")))
    assert first == second
    assert Clustering.objects.count() == 1  # recomputing replaces the year's clustering
    assert ClusterMember.objects.count() == 9


def test_a_bad_choice_is_refused(schools, municipality, methodist):
    with pytest.raises(ValidationError, match="Неизвестные переменные: height"):
        compute(municipality, methodist, variables=("height",))
    with pytest.raises(ValidationError, match="от 2 до 4"):
        compute(municipality, methodist, bands=7)
    with pytest.raises(ValidationError, match="Нет контекстных данных школ за 2026/2027"):
        clustering_compute(municipality=municipality, year=2027, variables=["pupils"], bands=3, by=methodist)


def test_only_the_municipality_staff_compute(schools, municipality, director_a, viewer):
    for person in (director_a, viewer):
        with pytest.raises(PermissionDenied):
            compute(municipality, person)


def test_the_page_runs_the_job_and_shows_the_variables(
    client_for, schools, municipality, methodist, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("clusters:compute"),
            {"municipality": municipality.pk, "year": YEAR, "variables": ["pupils", "rural"], "bands": 3},
        )
    assert response.status_code == 302
    job = Job.objects.get(kind="clustering_compute")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress_done >= 9
    page = client.get(response["Location"]).content.decode()
    assert "переменные: «Численность обучающихся», «Сельская местность»; групп по каждой переменной: 3" in page
    assert "Малочисленная сельская" in page and "до 60 чел. включительно" in page
    assert "Школа без данных" in page  # not assigned, said so


def test_a_year_without_context_is_refused_on_the_page(client_for, schools, municipality, methodist):
    response = client_for(methodist).post(
        reverse("clusters:compute"),
        {"municipality": municipality.pk, "year": 2030, "variables": ["pupils"], "bands": 3},
    )
    assert response.status_code == 302
    assert not Job.objects.exists()


def test_clusters_page_access(client_for, schools, municipality, methodist, director_a, viewer, other_municipality):
    compute(municipality, methodist)
    url = reverse("clusters:page") + f"?municipality={municipality.pk}"
    assert client_for(director_a).get(url).status_code == 403
    page = client_for(viewer).get(url)
    assert page.status_code == 200 and "Рассчитать кластеры" not in page.content.decode()
    assert client_for(viewer).post(reverse("clusters:compute"), {"municipality": municipality.pk}).status_code == 403
    outsider = make_user("outsider", make_organization(other_municipality, "uo9", "УО", kind="authority"), "methodist")
    assert client_for(outsider).get(url).status_code == 404


# --- the cluster's average beside the municipality's ------------------------------------------


@pytest.fixture
def indicator(db):
    return IndicatorDefinition.objects.create(code="test_share", name="Доля успевающих (тест)", direction_code="1.1")


def value(indicator, school, value, denominator, **slice_):
    IndicatorValue.objects.create(
        indicator=indicator, year=YEAR, municipality=school.municipality, organization=school, value=value,
        denominator=denominator, numerator=value * denominator / 100 if denominator else None, **slice_,
    )  # fmt: skip


def test_the_cluster_average_is_weighted_by_participants(schools, municipality, methodist, indicator):
    clustering = compute(municipality, methodist)
    value(indicator, schools["c01"], 50.0, 10)
    value(indicator, schools["c02"], 80.0, 30)
    value(indicator, schools["c03"], 20.0, 20)
    value(indicator, schools["c09"], 99.0, 500)  # another cluster: not counted
    cluster = clustering.clusters.get(label="Малочисленная сельская")
    average = cluster_values(cluster, year=YEAR, indicator_ids=[indicator.pk])[indicator.pk]
    assert average.value == pytest.approx((50 * 10 + 80 * 30 + 20 * 20) / 60)  # 55.0, not the plain 50.0
    assert (average.schools, average.participants, average.shown) == (3, 60, True)
    assert weighted([(4.0, None), (6.0, None)]).value == 5.0  # reported numbers: the plain mean


def test_the_card_shows_the_cluster_column(client_for, schools, municipality, methodist, indicator):
    compute(municipality, methodist)
    value(indicator, schools["c01"], 50.0, 10)
    value(indicator, schools["c02"], 80.0, 30)
    value(indicator, schools["c03"], 20.0, 20)
    IndicatorValue.objects.create(indicator=indicator, year=YEAR, municipality=municipality, value=61.0, denominator=60)
    page = client_for(methodist).get(reverse("monitoring:organization", args=[schools["c01"].pk])).content.decode()
    assert "<th>Кластер</th>" in page
    assert "Малочисленная сельская" in page
    assert "55,0 %" in page or "55.0 %" in page


def test_a_cluster_of_fewer_than_three_schools_with_values_hides_its_average(
    client_for, schools, municipality, methodist, indicator
):
    compute(municipality, methodist)
    value(indicator, schools["c05"], 50.0, 10)
    value(indicator, schools["c06"], 70.0, 10)
    page = client_for(methodist).get(reverse("monitoring:organization", args=[schools["c05"].pk])).content.decode()
    assert "мало школ" in page and "60,0" not in page


def test_the_overview_compares_each_rule_by_cluster(client_for, schools, municipality, methodist, official, indicator):
    clustering = compute(municipality, methodist)
    method = ZoningMethod.objects.create(municipality=municipality, year=YEAR, title="Методика 2026")
    rule = ZoningRule.objects.create(method=method, indicator=indicator, ranges=[])
    other = ZoningRule.objects.create(method=method, indicator=indicator, subject="Математика", ranges=[], order=1)
    for code, share, participants in (("c07", 40.0, 10), ("c08", 60.0, 30), ("c09", 90.0, 60)):
        value(indicator, schools[code], share, participants)
        value(indicator, schools[code], share / 2, participants, subject="Математика")
    IndicatorValue.objects.create(
        indicator=indicator, year=YEAR, municipality=municipality, value=71.0, denominator=100
    )
    rows = clusters_by_rules(clustering, municipality_id=municipality.pk, year=YEAR, rules=[rule, other])
    big = next(row for row in rows if row["cluster"].label == "Многочисленная городская")
    assert big["cells"][0].value == pytest.approx((40 * 10 + 60 * 30 + 90 * 60) / 100)  # 76.0
    assert big["cells"][1].value == pytest.approx(38.0)
    small = next(row for row in rows if row["cluster"].label == "Малочисленная сельская")
    assert small["cells"][0].value is None
    page = client_for(methodist).get(reverse("monitoring:overview"), {"method": method.pk}).content.decode()
    assert "Показатели по кластерам сопоставимых школ" in page
    assert "76,0" in page and "71,0" in page


def test_the_clustering_of_an_earlier_year_serves_a_later_one(schools, municipality, methodist):
    clustering = compute(municipality, methodist)
    assert clustering_for(municipality.pk, YEAR + 1) == clustering
    assert clustering_for(municipality.pk, YEAR) == clustering
    assert clustering_for(municipality.pk, None) == clustering


def test_the_demo_clusters_its_municipality_once(db):
    from monitoring.clusters.demo import load_demo_clusters
    from schools.demo import load_demo_context, load_demo_schools

    load_demo_schools()
    assert load_demo_context()["context"] == 22
    assert load_demo_context()["context"] == 0
    assert load_demo_clusters()["кластеризаций"] == 1
    assert load_demo_clusters()["кластеризаций"] == 0
    clustering = Clustering.objects.get()
    assert clustering.variables == ["pupils", "rural"] and clustering.members.count() == 22
    assert "Малочисленная сельская" in set(clustering.clusters.values_list("label", flat=True))
