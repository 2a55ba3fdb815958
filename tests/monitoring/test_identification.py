"""ШНРО/ШНСУ identification against criteria counted by hand on three years of results.

The fixture (three schools, ОГЭ mathematics 2022–2024, ВПР 2024, ОВЗ flags, registry data):

                      ОГЭ «2» 2022   2023        2024            ВПР «2» 2024   ОВЗ 2024    сельская  численность
    A (СОШ № 1)       2/4 = 50 %     1/5 = 20 %  0/4 = 0 %       1/4 = 25 %     0/8         нет       800
    B (Дюрметь)       0/4 = 0 %      2/4 = 50 %  3/4 = 75 %      0/5 = 0 %      3/9 = 33 %  да        60
    C (Малый Узень)   1/4 = 25 %     0/4 = 0 %   1/2 (мало)      2/4 = 50 %     1/6 = 17 %  да        — (6 участников)

Method: results — (1) ОГЭ «2» по математике ≥ 20 % в 2 из 3 лет, (2) ВПР «2» в целом ≥ 25 % в году;
ШНРО from 2 of 2. Context — (3) ОВЗ ≥ 30 %, (4) сельская, (5) численность ≤ 100; ШНСУ from 2 of 3.
Minimum participants 4.

By hand: A meets (1) [2022, 2023] and (2) → ШНРО; context 0. B meets (1) [2023, 2024], not (2) → 1;
context (3), (4), (5) → ШНСУ. C meets (1) only in 2022 (2024 has 2 participants: not counted), (2)
yes → 1; context (4) and (5) (6 participants by code) → ШНСУ.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from monitoring.analysis.services import indicators_load
from monitoring.identification import selectors, services
from monitoring.identification.tasks import identification_compute_enqueue
from monitoring.indicators import indicators_compute
from monitoring.models import (
    Assessment,
    IdentificationCriterion,
    IdentificationList,
    IndicatorDefinition,
    IndicatorValue,
    StudentResult,
)
from schools.models import Organization
from tests.conftest import make_organization

Kind = IdentificationCriterion.Kind
ORDER_DATE = datetime.date(2024, 9, 2)


def add(assessment, organization, marks, *, ovz=0, codes=None):
    StudentResult.objects.bulk_create(
        StudentResult(
            assessment=assessment,
            organization=organization,
            mark=mark,
            ovz=i < ovz,
            participant_code=codes[i] if codes else "",
        )  # fmt: skip
        for i, mark in enumerate(marks)
    )


@pytest.fixture
def school_c(municipality):
    return make_organization(municipality, "sch000103", "ООШ с. Малый Узень", is_rural=True)


@pytest.fixture
def results(school_a, school_b, school_c):
    Organization.objects.filter(pk=school_a.pk).update(enrolment=800)
    Organization.objects.filter(pk=school_b.pk).update(enrolment=60)
    indicators_load()
    oge = {
        year: Assessment.objects.create(kind="oge", year=year, subject="Математика", grade=9)
        for year in (2022, 2023, 2024)
    }
    add(oge[2022], school_a, [2, 2, 3, 4])
    add(oge[2022], school_b, [3, 4, 4, 5])
    add(oge[2022], school_c, [2, 3, 3, 3])
    add(oge[2023], school_a, [2, 3, 3, 3, 4])
    add(oge[2023], school_b, [2, 2, 3, 3])
    add(oge[2023], school_c, [3, 3, 4, 4])
    add(oge[2024], school_a, [3, 4, 4, 5])
    add(oge[2024], school_b, [2, 2, 2, 3], ovz=1)
    add(oge[2024], school_c, [2, 3], codes=["c1", "c2"])
    vpr = Assessment.objects.create(kind="vpr", year=2024, subject="Математика", grade=5)
    add(vpr, school_a, [2, 3, 4, 5])
    add(vpr, school_b, [3, 3, 4, 4, 5], ovz=2)
    add(vpr, school_c, [2, 2, 3, 4], ovz=1, codes=["c3", "c4", "c5", "c6"])
    for year in (2022, 2023, 2024):
        indicators_compute(year=year)


def indicator(code):
    return IndicatorDefinition.objects.get(code=code)


@pytest.fixture
def method(municipality, methodist, results):
    method = services.method_create(
        municipality=municipality, by=methodist, year=2024, title="Методика идентификации ШНРО и ШНСУ",
        results_required=2, context_required=2, minimum_participants=4,
    )  # fmt: skip
    services.criterion_add(
        method=method, by=methodist, kind=Kind.INDICATOR, indicator=indicator("oge_share_2"), subject="Математика",
        grade=9, comparison="gte", threshold=20, years_window=3, years_required=2,
    )  # fmt: skip
    services.criterion_add(
        method=method, by=methodist, kind=Kind.INDICATOR, indicator=indicator("vpr_share_2"), comparison="gte",
        threshold=25,
    )  # fmt: skip
    services.criterion_add(method=method, by=methodist, kind=Kind.OVZ_SHARE, comparison="gte", threshold=30)
    services.criterion_add(method=method, by=methodist, kind=Kind.RURAL)
    services.criterion_add(method=method, by=methodist, kind=Kind.SIZE, comparison="lte", threshold=100)
    return method


@pytest.fixture
def approved(method, official):
    return services.method_approve(method=method, by=official, order_number="101-о", order_date=ORDER_DATE)


@pytest.fixture
def listing(approved, methodist):
    return services.list_compute(method=approved, by=methodist)


def entries_by_code(listing):
    return {e.organization.code: e for e in listing.entries.select_related("organization")}


def test_list_matches_hand_counted_criteria(listing):
    entries = entries_by_code(listing)
    verdicts = {
        code: (e.low_results, e.unfavourable_conditions, e.results_met, e.context_met) for code, e in entries.items()
    }
    assert verdicts == {
        "sch000101": (True, False, 2, 0),
        "sch000102": (False, True, 1, 3),
        "sch000103": (False, True, 1, 2),
    }
    assert (listing.schools, listing.low_results_count, listing.unfavourable_count) == (3, 1, 2)


def test_the_numbers_behind_each_criterion_are_kept(listing):
    entries = entries_by_code(listing)
    oge_a = entries["sch000101"].criteria[0]
    assert [(y["year"], y["numerator"], y["denominator"], y["met"]) for y in oge_a["years"]] == [
        (2024, 0, 4, False), (2023, 1, 5, True), (2022, 2, 4, True),
    ]  # fmt: skip
    assert oge_a["met"] and oge_a["met_years"] == 2
    oge_c = entries["sch000103"].criteria[0]
    assert oge_c["years"][0]["value"] is None and oge_c["years"][0]["note"] == "мало участников"
    assert oge_c["met_years"] == 1 and not oge_c["met"]
    ovz_b = entries["sch000102"].criteria[2]
    assert (ovz_b["numerator"], ovz_b["denominator"], ovz_b["met"]) == (3, 9, True)
    assert ovz_b["value"] == pytest.approx(100 / 3)
    size_c = entries["sch000103"].criteria[4]
    assert (size_c["value"], size_c["note"], size_c["met"]) == (6, "участников оценочных процедур", True)
    size_a = entries["sch000101"].criteria[4]
    assert (size_a["value"], size_a["note"], size_a["met"]) == (800, "по реестру", False)


def test_a_run_replaces_the_computed_list_and_is_a_job(
    approved, methodist, listing, django_capture_on_commit_callbacks
):
    first = listing.pk
    with django_capture_on_commit_callbacks(execute=True):
        job = identification_compute_enqueue(method=approved, user=methodist)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result_url == reverse("identification:list", args=[first])
    assert IdentificationList.objects.get().entries.count() == 3


def test_the_run_reports_its_progress_in_order(approved, methodist):
    calls = []
    services.list_compute(
        method=approved, by=methodist, progress=lambda done, total, message: calls.append((done, total))
    )
    # five criteria, the context data, the start, and the writing of the list: 8 steps, one total
    assert [done for done, _ in calls] == list(range(8)) and {total for _, total in calls} == {8}


def test_a_draft_method_is_not_run(method, methodist):
    with pytest.raises(ValidationError, match="только по утверждённой методике"):
        services.list_compute(method=method, by=methodist)


def test_approval_sets_the_flags_of_that_year(listing, official, school_a, school_b, school_c, municipality):
    Organization.objects.filter(pk=school_a.pk).update(unfavourable_conditions=True)  # last year's registry
    services.list_approve(identification_list=listing, by=official, order_number="202-о", order_date=ORDER_DATE)
    flags = {
        o.code: (o.low_results, o.unfavourable_conditions)
        for o in Organization.objects.filter(municipality=municipality, kind="school")
    }
    assert flags == {"sch000101": (True, False), "sch000102": (False, True), "sch000103": (False, True)}
    listing.refresh_from_db()
    assert listing.is_approved and listing.approval_line == "приказ № 202-о от 02.09.2024"
    assert listing.approval_order.status == "signed"
    with pytest.raises(ValidationError, match="уже утверждён"):
        services.list_approve(identification_list=listing, by=official, order_number="203-о", order_date=ORDER_DATE)
    with pytest.raises(ValidationError, match="не пересчитывается"):
        services.list_compute(method=listing.method, by=official)


def test_the_share_with_positive_dynamics_reads_the_approved_list(listing, official, municipality):
    def share():
        return IndicatorValue.objects.filter(
            indicator__code="lowres_positive_dynamics", year=2024, municipality=municipality
        ).first()

    indicators_compute(year=2024)
    assert share() is None  # no school flagged, no list approved
    services.list_approve(identification_list=listing, by=official, order_number="9", order_date=ORDER_DATE)
    indicators_compute(year=2024)
    # of A, B, C only A's ОГЭ «2» fell (20 % → 0 %); B's and C's rose
    value = share()
    assert (value.numerator, value.denominator) == (1, 3)


def test_an_earlier_year_approved_later_keeps_the_latest_flags(listing, official, methodist, municipality, school_b):
    services.list_approve(identification_list=listing, by=official, order_number="1", order_date=ORDER_DATE)
    earlier = services.method_create(municipality=municipality, by=methodist, year=2023, title="Методика 2023")
    services.criterion_add(method=earlier, by=methodist, kind=Kind.RURAL)
    services.method_approve(method=earlier, by=official, order_number="2", order_date=ORDER_DATE)
    old = services.list_compute(method=earlier, by=methodist)
    services.list_approve(identification_list=old, by=official, order_number="3", order_date=ORDER_DATE)
    school_b.refresh_from_db()
    # 2023's list (rural: ШНСУ) would say the same for B; A must keep 2024's ШНРО, not lose it to 2023's list
    assert Organization.objects.get(code="sch000101").low_results is True
    years, rows = selectors.history(official, municipality)
    assert years == [2023, 2024]
    history = {row["organization"].code: [c.status_label if c else "" for c in row["cells"]] for row in rows}
    assert history == {
        "sch000101": ["не отнесена", "ШНРО"],
        "sch000102": ["ШНСУ", "ШНСУ"],
        "sch000103": ["ШНСУ", "ШНСУ"],
    }


def test_only_an_official_approves(method, listing, methodist, official):
    with pytest.raises(PermissionDenied):
        services.list_approve(identification_list=listing, by=methodist, order_number="1", order_date=ORDER_DATE)
    draft = services.method_create(municipality=method.municipality, by=methodist, year=2025, title="Черновик")
    services.criterion_add(method=draft, by=methodist, kind=Kind.RURAL)
    with pytest.raises(PermissionDenied):
        services.method_approve(method=draft, by=methodist, order_number="1", order_date=ORDER_DATE)


def test_an_approved_method_is_frozen(approved, methodist):
    with pytest.raises(ValidationError, match="утверждена и не может быть изменена"):
        services.criterion_add(method=approved, by=methodist, kind=Kind.RURAL)


def test_dynamics_of_the_identified_schools(listing, school_a, school_b, school_c):
    per_school = selectors.dynamics(listing.municipality_id, 2024, [school_a.pk, school_b.pk, school_c.pk])
    oge_math = {org: lines[0] for org, lines in per_school.items()}
    # A: «4» и «5» 1/5 = 20 % → 3/4 = 75 %, «2» 20 % → 0 %: positive
    a = oge_math[school_a.pk]
    assert a.verdict_label == "положительная"
    assert a.changes[0].before == (1, 5, 20.0) and a.changes[0].now == (3, 4, 75.0)
    assert a.changes[1].delta == pytest.approx(-20.0)
    # B: «4» и «5» 0 % → 0 % (no change), «2» 50 % → 75 %: negative
    assert oge_math[school_b.pk].verdict_label == "отрицательная"
    # C: «4» и «5» 50 % → 0 %, «2» 0 % → 50 %: negative
    assert oge_math[school_c.pk].verdict_label == "отрицательная"
    # ЕГЭ: no results in either year
    assert per_school[school_a.pk][2].verdict_label == "нет данных"
    summary = selectors.dynamics_summary(per_school)
    assert (summary[0]["positive"], summary[0]["negative"], summary[0]["total"]) == (1, 2, 3)
    assert summary[0]["share"] == pytest.approx(100 / 3)
    assert summary[2]["no_data"] == 3 and summary[2]["share"] is None  # «нет данных», not 0 %
    assert len(summary) == 7
    assert summary[0]["line"].indicator_name == (
        "Доля школ, от общего числа школ ШНРО и ШНСУ, достигших положительной динамики в результатах ОГЭ по математике"
    )


def test_a_mixed_change_is_no_dynamics():
    line = selectors.DYNAMICS[0]
    school = selectors.SchoolDynamics(
        line=line,
        changes=[
            selectors.MeasureChange(line.measures[0], (1, 10, 10.0), (3, 10, 30.0)),  # «4» и «5» up: better
            selectors.MeasureChange(line.measures[1], (1, 10, 10.0), (2, 10, 20.0)),  # «2» up: worse
        ],
    )
    assert school.verdict_label == "нет динамики"


# --- Bad input: Russian messages naming the field and the value ---------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"kind": "colour"}, "kind", "Вид критерия «colour» неизвестен"),
        ({"kind": Kind.INDICATOR, "threshold": 10}, "indicator", "выберите показатель"),
        ({"kind": Kind.INDICATOR, "indicator": "oge_share_2", "threshold": 120}, "threshold", "Порог 120 вне шкалы"),
        ({"kind": Kind.INDICATOR, "indicator": "oge_share_2"}, "threshold", "Порог: укажите число"),
        (
            {
                "kind": Kind.INDICATOR,
                "indicator": "oge_share_2",
                "threshold": 10,
                "years_window": 2,
                "years_required": 3,
            },
            "years_required",
            "Лет с выполнением (N): от 1 до числа рассматриваемых лет (2), указано «3»",
        ),
        (
            {"kind": Kind.INDICATOR, "indicator": "oge_share_2", "threshold": 10, "years_window": 7},
            "years_window",
            "от 1 до 5, указано «7»",
        ),
        (
            {"kind": Kind.INDICATOR, "indicator": "teachers_diagnosed", "threshold": 10},
            "indicator",
            "не рассчитывается по результатам школ",
        ),
        ({"kind": Kind.OVZ_SHARE, "threshold": 130}, "threshold", "процент от 0 до 100, указано 130"),
        ({"kind": Kind.SIZE}, "threshold", "Порог: укажите число для критерия «Численность обучающихся»"),
        ({"kind": Kind.SIZE, "threshold": 0}, "threshold", "не меньше 1, указано 0"),
    ],
)
def test_bad_criteria_are_refused_in_russian(method, methodist, fields, field, text):
    if isinstance(fields.get("indicator"), str):
        fields = fields | {"indicator": indicator(fields["indicator"])}
    with pytest.raises(ValidationError) as caught:
        services.criterion_add(method=method, by=methodist, **fields)
    messages = caught.value.message_dict[field]
    assert any(text in message for message in messages), messages


def test_approval_names_what_the_method_lacks(municipality, methodist, official, results):
    method = services.method_create(
        municipality=municipality, by=methodist, year=2024, title="Неполная", results_required=3
    )
    services.criterion_add(
        method=method, by=methodist, kind=Kind.INDICATOR, indicator=indicator("oge_share_2"), threshold=10
    )
    with pytest.raises(ValidationError) as caught:
        services.method_approve(method=method, by=official, order_number="1", order_date=ORDER_DATE)
    assert "ШНРО: требуется не менее 3 критериев по результатам, а в методике их 1" in caught.value.messages[0]
    empty = services.method_create(municipality=municipality, by=methodist, year=2024, title="Пустая")
    with pytest.raises(ValidationError, match="нет ни одного критерия"):
        services.method_approve(method=empty, by=official, order_number="1", order_date=ORDER_DATE)
    with pytest.raises(ValidationError) as caught:
        services.method_update(method=empty, by=methodist, context_required=0)
    assert "ШНСУ: число контекстных критериев — целое число не меньше 1, указано «0»" in caught.value.messages


def test_the_page_shows_the_message_on_the_field(client_for, methodist, method):
    response = client_for(methodist).post(
        reverse("identification:method", args=[method.pk]),
        {"kind": "ovz_share", "comparison": "gte", "threshold": "150", "years_window": "1", "years_required": "1"},
    )
    assert response.status_code == 200
    assert "Порог доли участий с ОВЗ — процент от 0 до 100, указано 150" in response.content.decode()
    assert method.criteria.count() == 5


# --- Pages and who sees what ----------------------------------------------------------------------


def test_methodist_runs_and_official_approves_through_the_pages(
    client_for, methodist, official, approved, school_a, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("identification:run", args=[approved.pk]))
    assert response.status_code == 302 and "job=" in response["Location"]
    listing = IdentificationList.objects.get(method=approved)
    page = client.get(reverse("identification:list", args=[listing.pk])).content.decode()
    assert "СОШ № 1" in page and "ШНРО" in page and "Утвердить список" not in page
    assert "(1 / 5)" in page  # the numbers behind the criterion: 2023, one «2» of five
    client = client_for(official)
    response = client.post(
        reverse("identification:list_approve", args=[listing.pk]), {"order_number": "55", "order_date": "2024-09-02"}
    )
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.low_results
    printed = client.get(reverse("identification:list_print", args=[listing.pk])).content.decode()
    assert "Приложение к приказу № 55 от 02.09.2024" in printed and "СОШ № 1" in printed


def test_a_director_sees_only_their_own_status_on_the_card(
    client_for, listing, official, director_a, director_b, school_a
):
    services.list_approve(identification_list=listing, by=official, order_number="7", order_date=ORDER_DATE)
    client = client_for(director_a)
    card = client.get(reverse("monitoring:organization", args=[school_a.pk])).content.decode()
    assert "ШНРО и ШНСУ по годам" in card and "приказ № 7 от 02.09.2024" in card
    assert reverse("identification:list", args=[listing.pk]) not in card
    assert client.get(reverse("identification:list", args=[listing.pk])).status_code == 403
    assert client.get(reverse("identification:methods")).status_code == 403
    assert client_for(director_b).get(reverse("monitoring:organization", args=[school_a.pk])).status_code == 404
    assert selectors.school_history(director_b, school_a) == []


def test_a_director_does_not_see_a_list_before_it_is_approved(listing, director_a, school_a):
    assert selectors.school_history(director_a, school_a) == []


def test_the_regional_viewer_reads_but_does_not_act(client_for, viewer, listing, approved):
    client = client_for(viewer)
    assert client.get(reverse("identification:list", args=[listing.pk])).status_code == 200
    assert client.get(reverse("identification:method", args=[approved.pk])).status_code == 200
    assert client.post(reverse("identification:run", args=[approved.pk])).status_code == 403
    response = client.post(
        reverse("identification:list_approve", args=[listing.pk]), {"order_number": "1", "order_date": "2024-09-02"}
    )
    assert response.status_code == 403


def test_another_municipality_sees_nothing(client_for, listing, approved, other_municipality):
    from tests.hardening.access_world import make_outsider

    client = client_for(make_outsider(other_municipality))
    assert client.get(reverse("identification:list", args=[listing.pk])).status_code == 404
    assert client.get(reverse("identification:method", args=[approved.pk])).status_code == 404
    assert client.post(reverse("identification:run", args=[approved.pk])).status_code == 404


def test_list_page_query_count_does_not_grow_with_schools(client_for, official, listing, django_assert_max_num_queries):
    client = client_for(official)
    client.get(reverse("identification:list", args=[listing.pk]))  # the session's first writes
    with django_assert_max_num_queries(12):
        response = client.get(reverse("identification:list", args=[listing.pk]) + "?all=1")
    assert response.status_code == 200
