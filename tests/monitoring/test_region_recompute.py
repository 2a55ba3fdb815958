"""A region's or a country's recomputation: every municipality's indicators in parallel groups
(PostgreSQL) give the values one statement gives, and the zones of every approved method of a
year come out as each method computed alone would give them."""

import importlib.util
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from monitoring import indicators as indicators_module
from monitoring.analysis.services import indicators_load, method_approve, method_create, rule_add
from monitoring.indicators import indicators_compute
from monitoring.models import Assessment, IndicatorDefinition, IndicatorValue, Zone, ZoningMethod
from monitoring.zoning import zones_compute, zones_compute_year
from tests.conftest import make_organization, make_user

spec = importlib.util.spec_from_file_location("analysis_fixtures", Path(__file__).with_name("analysis_fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

VALUE_FIELDS = ("indicator_id", "municipality_id", "organization_id", "subject", "grade", "class_name",
                "numerator", "denominator", "value", "details")  # fmt: skip


def stored(year: int) -> list[tuple]:
    return sorted(
        (tuple(str(v) for v in row) for row in IndicatorValue.objects.filter(year=year).values_list(*VALUE_FIELDS)),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel groups run on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_parallel_groups_write_what_one_statement_writes(settings, municipality, school_a, other_school):
    third = make_organization(municipality, "sch640103", "СОШ № 3")
    indicators_load()
    fixtures.build_results(school_a, other_school)
    vpr = Assessment.objects.get(kind="vpr", year=2024, subject="Математика", grade=5)
    fixtures.add_results(vpr, third, marks=[2, 5, 5, 4], journal=[3, 5, 4, 4], classes=["5А", "5А", "5Б", "5Б"])
    settings.INDICATORS_PARALLEL = 1
    assert indicators_module._parallel_groups() == [None]
    indicators_compute(year=2023)
    one = indicators_compute(year=2024)
    single = stored(2024)

    settings.INDICATORS_PARALLEL = 2
    groups = indicators_module._parallel_groups()
    # balanced by schools: the municipality with two schools alone, the other one beside it
    assert sorted(groups, key=len) == [[municipality.pk], [other_school.municipality_id]]
    steps = []
    parallel = indicators_compute(year=2024, progress=lambda done, total, text="": steps.append((done, text)))
    assert stored(2024) == single
    assert (parallel.values, parallel.municipalities) == (one.values, one.municipalities) == (len(single), 2)
    assert ("Рассчитано групп муниципалитетов: 2 из 2") in [text for _done, text in steps]


def test_inside_a_transaction_every_municipality_is_one_statement(settings, municipality, school_a, other_school):
    settings.INDICATORS_PARALLEL = 4
    assert indicators_module._parallel_groups() == [None]  # pytest-django's transaction is around us


def test_only_the_years_rows_of_its_procedures_are_read(municipality):
    sql, params = indicators_module._aggregate_sql(
        year=2024,
        municipality_ids=[municipality.pk],
        kind_ids={"vpr": [11, 12], "ege": [13]},
        base_math_ids=[],
    )
    # each kind's scan names the year of the rows themselves (PostgreSQL reads that partition only)
    # and its procedures; a kind without procedures this year is not scanned at all
    assert sql.count("WHERE r.year = %s AND r.assessment_id IN (11,12) AND a.year = %s AND a.kind = 'vpr'") == 1
    assert sql.count("WHERE r.year = %s AND r.assessment_id IN (13) AND a.year = %s AND a.kind = 'ege'") == 1
    assert "a.kind = 'kdr'" not in sql and "a.kind = 'oge'" not in sql
    assert f"municipality_id IN ({municipality.pk})" in sql
    assert set(params) == {2024}


@pytest.fixture
def two_methods(municipality, other_municipality, school_a, school_b, other_school):
    indicators_load()
    share_2 = IndicatorDefinition.objects.get(code="vpr_share_2")
    for place, organization, share in (
        (municipality, school_a, 30.0), (municipality, school_b, 5.0), (other_municipality, other_school, 15.0),
    ):  # fmt: skip
        IndicatorValue.objects.create(
            indicator=share_2, year=2024, municipality=place, organization=organization,
            numerator=share * 40 / 100, denominator=40, value=share,
        )  # fmt: skip
    methods = []
    for place, login in ((municipality, "m1"), (other_municipality, "m2")):
        authority = make_organization(place, f"uo-{login}", "Управление образования", kind="authority")
        methodist = make_user(f"methodist-{login}", authority, "methodist")
        official = make_user(f"official-{login}", authority, "official")
        method = method_create(municipality=place, by=methodist, year=2024, title=f"Методика {login}")
        rule_add(method=method, by=methodist, indicator=share_2,
                 ranges_text="зелёная [0; 10), жёлтая [10; 25), красная [25; 100]")  # fmt: skip
        method_approve(method=method, by=official, order_number=f"1-{login}", order_date=date(2024, 9, 1))
        methods.append(method)
    return methods


def zones_of(method) -> dict:
    return {z.organization.code: (z.colour, z.score, z.explanation) for z in Zone.objects.filter(method=method)}


def test_the_years_zones_are_each_methods_own(two_methods, school_a, school_b, other_school, municipality, methodist):
    draft = method_create(municipality=municipality, by=methodist, year=2024, title="Черновик")
    summary = zones_compute_year(year=2024)
    assert summary.counts == {"green": 1, "yellow": 1, "red": 1, "no_data": 0}
    assert summary.skipped == []
    together = [zones_of(method) for method in two_methods]
    assert together[0]["sch000101"][0] == "red" and together[0]["sch000102"][0] == "green"
    assert together[1] == {"sch999901": ("yellow", together[1]["sch999901"][1], together[1]["sch999901"][2])}
    assert not Zone.objects.filter(method=draft).exists()  # a draft method is not the municipality's
    for method, zones in zip(two_methods, together, strict=True):
        zones_compute(method=method)  # again, alone: the same zones, the first result now the previous
        assert zones_of(method) == zones
        assert set(Zone.objects.filter(method=method).values_list("previous_colour", flat=True)) == {
            colour for colour, _score, _explanation in zones.values()
        }


def test_a_method_that_cannot_be_computed_is_named_and_left_alone(two_methods, other_municipality):
    IndicatorValue.objects.filter(municipality=other_municipality).delete()
    out = io.StringIO()
    call_command("compute_zones", "--year", "2024", stdout=out)
    assert "Не рассчитана: «Методика m2» (Ершовский муниципальный район): показатели года не рассчитаны" in (
        out.getvalue()
    )
    assert Zone.objects.filter(method=two_methods[0]).count() == 2
    assert not Zone.objects.filter(method=two_methods[1]).exists()
    assert ZoningMethod.objects.get(pk=two_methods[1].pk).computed_at is None
