"""Every computed indicator against a hand-computed fixture (see analysis_fixtures.py for the rows)."""

import csv
import importlib.util
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from monitoring.analysis.services import (
    campaign_create,
    indicator_reported_create,
    indicators_load,
    reported_values_import,
    reported_values_submit,
)
from monitoring.indicators import indicators_compute
from monitoring.inschool.selectors import school_analysis
from monitoring.models import Assessment, IndicatorDefinition, IndicatorValue, ReportedValue

spec = importlib.util.spec_from_file_location("analysis_fixtures", Path(__file__).with_name("analysis_fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


@pytest.fixture
def computed(school_a, school_b):
    indicators_load()
    school_a.low_results = True
    school_a.save()
    fixtures.build_results(school_a, school_b)
    indicators_compute(year=2023)
    indicators_compute(year=2024)


def value(code, organization=None, subject="", grade=None, class_name="", year=2024):
    return IndicatorValue.objects.get(
        indicator__code=code, year=year, organization=organization, subject=subject, grade=grade, class_name=class_name
    )


def test_catalogue_has_every_indicator_of_the_yaml_with_exact_names(db):
    result = indicators_load()
    assert IndicatorDefinition.objects.filter(source="results").count() == 21  # with НИКО's two (issue 22 part 4)
    assert IndicatorDefinition.objects.filter(source="reported").count() == 12
    # seed 004's indicators of the authority itself, collected from it (issue 21 part 4)
    assert IndicatorDefinition.objects.filter(level="authority", form_kind="yes_no").count() == 4
    share = IndicatorDefinition.objects.get(code="vpr_share_2")
    assert share.name == "Доля обучающихся, выполнивших ВПР на «2»"
    assert (share.direction_code, share.unit, share.better, share.slices) == (
        "1.1",
        "%",
        "lower",
        ["subject", "grade", "class"],
    )
    assert IndicatorDefinition.objects.get(code="vpr_observers").form_kind == "yes_no"
    assert result["показателей создано"] == 33
    assert indicators_load() == {"показателей создано": 0, "обновлено": 0}


def test_vpr_share_2_per_school_slice_class_and_pooled_municipality(computed, school_a, school_b):
    a = value("vpr_share_2", school_a, "Математика", 5)
    assert (a.numerator, a.denominator) == (2, 9)
    assert a.value == pytest.approx(22.2222, abs=1e-3)
    assert value("vpr_share_2", school_b, "Математика", 5).value == pytest.approx(20.0)
    assert value("vpr_share_2", school_a).value == pytest.approx(22.2222, abs=1e-3)  # whole school
    muni = value("vpr_share_2", None, "Математика", 5)
    # pooled: (2 + 1) / (9 + 5), not the mean of 22.2 and 20.0
    assert (muni.numerator, muni.denominator) == (3, 14)
    assert muni.value == pytest.approx(21.4286, abs=1e-3)
    # the class slice is counted from the school's rows on «Анализ в школе», never stored: no page
    # reads a class's stored value, and at a country's scale they were a quarter of all values
    assert not IndicatorValue.objects.exclude(class_name="").exists()
    work = Assessment.objects.get(kind="vpr", subject="Математика", grade=5, year=2024)
    classes = {group.label: group.share_2 for group in school_analysis(school_a, work)["classes"]}
    assert classes["5А"] == pytest.approx(40.0) and classes["5Б"] == pytest.approx(0.0)


def test_vpr_share_45_and_distribution(computed, school_a):
    assert value("vpr_share_45", school_a, "Математика", 5).value == pytest.approx(500 / 9)
    assert value("vpr_share_45", None, "Математика", 5).value == pytest.approx(600 / 14)
    distribution = value("vpr_mark_distribution", school_a, "Математика", 5)
    assert distribution.details == {"2": 2, "3": 2, "4": 3, "5": 2}


def test_journal_mismatch_family_and_the_two_point_rule(computed, school_a, school_b):
    a = {
        code: value(code, school_a, "Математика", 5)
        for code in ("vpr_lowered", "vpr_raised", "vpr_confirmed", "vpr_significant_mismatch", "vpr_journal_mismatch")
    }
    assert a["vpr_lowered"].numerator == 3 and a["vpr_lowered"].denominator == 9
    assert a["vpr_raised"].numerator == 2
    assert a["vpr_confirmed"].numerator == 4
    # |ВПР − журнал| ≥ 2: (2 vs 4) and (5 vs 3); (3 vs 4) and (4 vs 5) are one point only
    assert a["vpr_significant_mismatch"].numerator == 2
    assert a["vpr_journal_mismatch"].value == pytest.approx(500 / 9)
    b = value("vpr_significant_mismatch", school_b, "Математика", 5)
    assert (b.numerator, b.denominator) == (2, 4)
    muni = value("vpr_journal_mismatch", None, "Математика", 5)
    assert (muni.numerator, muni.denominator) == (8, 13)


def test_kdr_levels_control_gap_and_cohort(computed, school_a):
    assert value("kdr_below_base", school_a, "Читательская грамотность", 6).value == pytest.approx(40.0)
    assert value("kdr_above_base", school_a, "Читательская грамотность", 6).value == pytest.approx(20.0)
    gap = value("kdr_control_gap", school_a, "Читательская грамотность", 6)
    assert gap.value == pytest.approx(200 / 3 - 50)  # rest 2/3 at base or above, control group 1/2
    cohort = value("kdr_cohort_kept", school_a)
    assert (cohort.numerator, cohort.denominator) == (2, 3)  # P1 fell from low to insufficient
    assert value("kdr_cohort_kept", None).value == pytest.approx(200 / 3)


def test_oge_ege_and_no_data_for_empty_denominator(computed, school_a, school_b):
    assert value("oge_share_2", school_a, "Математика", 9).value == pytest.approx(20.0)
    assert value("oge_share_45", school_a, "Математика", 9).value == pytest.approx(60.0)
    empty = value("oge_share_2", school_b, "Математика", 9)
    assert empty.value is None and empty.denominator == 0  # «нет данных», never 0
    assert value("ege_below_min", school_a, "Русский язык", 11).value == pytest.approx(25.0)
    assert value("ege_over_60", school_a, "Русский язык", 11).value == pytest.approx(50.0)
    assert value("ege_base_math_45", school_a).value == pytest.approx(50.0)
    assert value("ege_base_math_45", school_a, "Математика (базовый уровень)", 11).value == pytest.approx(50.0)
    assert not IndicatorValue.objects.filter(indicator__code="ege_base_math_45", subject="Русский язык").exists()


def test_dynamics_and_low_results_schools(computed, school_a):
    dynamics = value("vpr_share_2_dynamics", school_a, "Математика", 5)
    assert dynamics.value == pytest.approx(200 / 9 - 25)
    lowres = value("lowres_positive_dynamics", None)
    assert (lowres.numerator, lowres.denominator) == (1, 1)  # ОГЭ «2» fell from 50 % to 20 %


def test_recompute_replaces_values_without_duplicates(computed):
    before = IndicatorValue.objects.count()
    indicators_compute(year=2024)
    assert IndicatorValue.objects.count() == before


def test_reported_values_validated_and_pooled(school_a, school_b, methodist, director_a, director_b):
    indicators_load()
    diagnosed = IndicatorDefinition.objects.get(code="teachers_diagnosed")
    observers = IndicatorDefinition.objects.get(code="vpr_observers")
    campaign = campaign_create(
        municipality=school_a.municipality, by=methodist, title="Сбор 2024", year=2024,
        period_start=date(2023, 9, 1), period_end=date(2024, 8, 31), deadline=date(2024, 6, 1),
        indicators=[diagnosed, observers], organizations=[school_a, school_b],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="числитель 11 больше знаменателя 10"):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=director_a, values={diagnosed: (11, 10, None)}
        )
    with pytest.raises(ValidationError, match="числитель «2.5» — не целое число"):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=director_a, values={diagnosed: (2.5, 10, None)}
        )
    with pytest.raises(ValidationError, match="«да» или «нет»"):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=director_a, values={observers: (None, None, None)}
        )
    with pytest.raises(PermissionDenied):
        reported_values_submit(
            campaign=campaign, organization=school_a, by=director_b, values={diagnosed: (1, 10, None)}
        )
    assert not ReportedValue.objects.exists()
    reported_values_submit(
        campaign=campaign,
        organization=school_a,
        by=director_a,
        values={diagnosed: (3, 10, None), observers: (None, None, True)},
    )
    reported_values_submit(
        campaign=campaign,
        organization=school_b,
        by=director_b,
        values={diagnosed: (1, 10, None), observers: (None, None, False)},
    )
    indicators_compute(year=2024)
    assert value("teachers_diagnosed", school_a).value == pytest.approx(30.0)
    assert value("teachers_diagnosed", None).value == pytest.approx(20.0)  # 4 / 20
    assert value("vpr_observers", None).value == pytest.approx(50.0)


def test_reported_values_import_names_row_column_and_value(school_a, school_b, methodist, tmp_path):
    from openpyxl import Workbook

    indicators_load()
    diagnosed = IndicatorDefinition.objects.get(code="teachers_diagnosed")
    campaign = campaign_create(
        municipality=school_a.municipality, by=methodist, title="Сбор", year=2024,
        period_start=date(2023, 9, 1), period_end=date(2024, 8, 31), deadline=date(2024, 6, 1),
        indicators=[diagnosed], organizations=[school_a, school_b],
    )  # fmt: skip
    book = Workbook()
    book.active.append(["Код ОО", "Показатель", "Числитель", "Знаменатель", "Значение"])
    book.active.append(["sch000101", "teachers_diagnosed", 3, 10, None])
    book.active.append(["sch000102", "teachers_diagnosed", 12, 10, None])
    path = tmp_path / "data.xlsx"
    book.save(path)
    with path.open("rb") as file, pytest.raises(ValidationError) as error:
        reported_values_import(campaign=campaign, file=file, by=methodist)
    assert "строка 3: числитель 12 больше знаменателя 10" in error.value.messages
    assert not ReportedValue.objects.exists()  # nothing half-written
    book.active.delete_rows(3)
    book.save(path)
    with path.open("rb") as file:
        assert reported_values_import(campaign=campaign, file=file, by=methodist) == 1


def test_only_admin_adds_reported_indicators(admin_user, methodist):
    with pytest.raises(PermissionDenied):
        indicator_reported_create(by=methodist, code="x_share", name="Доля X")
    indicator = indicator_reported_create(by=admin_user, code="x_share", name="Доля X", form_kind="ratio")
    assert indicator.is_reported and indicator.scale_max == 100


def test_export_indicators_command_csv_columns(computed, school_a, tmp_path):
    out = tmp_path / "values.csv"
    call_command("export_indicators", year=2024, out=str(out), stdout=io.StringIO())
    with out.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0] == ["Код ОО", "Показатель", "Предмет", "Параллель", "Значение", "Числитель", "Знаменатель"]
    assert ["sch000101", "vpr_share_2", "Математика", "5", "22.2222", "2", "9"] in rows
    assert ["", "vpr_share_2", "Математика", "5", "21.4286", "3", "14"] in rows  # the municipality's own row
    assert ["sch000101", "vpr_share_2", "", "", "22.2222", "2", "9"] in rows  # whole school: empty slices
    assert ["sch000102", "oge_share_2", "Математика", "9", "нет данных", "0", "0"] in rows


def test_export_indicators_command_xlsx(computed, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "values.xlsx"
    call_command("export_indicators", year=2024, out=str(out), stdout=io.StringIO())
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]] == [
        "Код ОО",
        "Показатель",
        "Предмет",
        "Параллель",
        "Значение",
        "Числитель",
        "Знаменатель",
    ]
    assert sheet.max_row > 10


def test_compute_indicators_command(school_a, school_b, capsys):
    indicators_load()
    fixtures.build_results(school_a, school_b)
    call_command("compute_indicators", year=2024)
    assert "значений" in capsys.readouterr().out
    assert IndicatorValue.objects.filter(year=2024, organization=school_a).exists()


def test_imported_school_statistics_count_where_there_are_no_student_rows(school_a, school_b):
    from monitoring.models import Assessment, SchoolStat

    indicators_load()
    vpr = Assessment.objects.create(kind="vpr", year=2024, subject="Математика", grade=5)
    fixtures.add_results(vpr, school_a, marks=[2, 3, 4, 5])
    # school B sent only an aggregate report (format B): 10 participants, three «2»
    SchoolStat.objects.create(
        assessment=vpr, organization=school_b, source=SchoolStat.Source.IMPORTED, participants=10,
        mark_2=3, mark_3=4, mark_4=2, mark_5=1, with_journal=10, lowered=2, confirmed=7, raised=1, significant_mismatch=1,
    )  # fmt: skip
    # an imported statistic beside student rows is not counted twice
    SchoolStat.objects.create(assessment=vpr, organization=school_a, source=SchoolStat.Source.IMPORTED, mark_2=50)
    indicators_compute(year=2024)
    assert value("vpr_share_2", school_b, "Математика", 5).value == pytest.approx(30.0)
    assert value("vpr_share_2", school_a, "Математика", 5).value == pytest.approx(25.0)
    muni = value("vpr_share_2", None, "Математика", 5)
    assert (muni.numerator, muni.denominator) == (4, 14)
    assert value("vpr_lowered", school_b, "Математика", 5).numerator == 2


def test_compute_inside_a_callers_transaction(school_a, school_b):
    from django.db import transaction

    indicators_load()
    fixtures.build_results(school_a, school_b)
    with transaction.atomic():  # as the results import calls it after saving rows
        summary = indicators_compute(year=2024)
    assert summary.values == IndicatorValue.objects.filter(year=2024).count()
    assert summary.with_data > 0 and summary.municipalities == 1
