"""A database without the catalogues: every command, job and page that computes from one says in
Russian what is missing and which command or page supplies it — never a raw database error, never
a traceback (issue 19, part 6). Commands end with CommandError (stderr, exit code 1); jobs end
failed with the message on their progress page; an action answers 409 with a page holding the
message, and a page that only shows data shows the message above it with 200."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.urls import reverse

from config.jobs.models import Job
from config.lib.preconditions import PreconditionError
from monitoring import preconditions as monitoring_checks
from monitoring.analysis.services import indicators_load
from monitoring.analysis.tasks import indicators_compute_enqueue, zones_compute_enqueue
from monitoring.indicators import indicators_compute
from monitoring.models import Assessment, EgeMinScore, IndicatorDefinition, IndicatorValue, ZoningMethod, ZoningRule
from roadmaps import preconditions as roadmap_checks
from roadmaps.catalogue import catalogue_load
from roadmaps.models import (
    CycleStage,
    Direction,
    DirectionGroup,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    Measure,
    Roadmap,
    Section,
    StepTemplate,
    Track,
)
from roadmaps.xlsx import parse_roadmap_workbook, roadmap_xlsx_bytes
from tests.roadmaps.execution_factories import make_roadmap

NO_INDICATORS = "Справочник показателей пуст: выполните python manage.py load_indicators"
NO_CATALOGUE = "Справочники дорожных карт не загружены"
LOAD_CATALOGUE = "выполните python manage.py load_catalogue"


@pytest.fixture
def no_catalogues(db):
    """The database as after `migrate` alone: the suite's session loads the roadmap catalogue, so it
    is emptied here (inside the test's transaction, rolled back afterwards)."""
    for model in (StepTemplate, Track, Direction, DirectionGroup, FunctionType, CycleStage, EvidenceKind, ExecutorKind):
        model.objects.all().delete()
    IndicatorDefinition.objects.all().delete()
    EgeMinScore.objects.all().delete()


@pytest.fixture
def method(no_catalogues, municipality, methodist):
    return ZoningMethod.objects.create(
        municipality=municipality, year=2024, title="Методика 2024", created_by=methodist
    )


def _rule(method):
    """A rule on a loaded indicator, with no values computed for it."""
    indicators_load()
    indicator = IndicatorDefinition.objects.get(code="vpr_share_2")
    ranges = [
        {"colour": "green", "min": 0, "max": 10},
        {"colour": "yellow", "min": 10, "max": 20},
        {"colour": "red", "min": 20, "max": 100},
    ]
    return ZoningRule.objects.create(method=method, indicator=indicator, ranges=ranges, order=1)


def _ege_without_min_scores():
    indicators_load()
    Assessment.objects.create(kind="ege", year=2024, subject="Русский язык", grade=11, scale="test_scores")


# --- the checks themselves: each passes once its catalogue is there ----------------------------


def test_the_checks_pass_once_the_catalogues_are_loaded(method):
    assert monitoring_checks.indicator_catalogue().startswith(NO_INDICATORS)
    assert NO_CATALOGUE in roadmap_checks.roadmap_catalogue()
    assert "направления, типы функций, стандартные шаги, этапы цикла" in roadmap_checks.roadmap_catalogue()
    catalogue_load()
    _rule(method)
    assert monitoring_checks.indicator_catalogue() is None
    assert roadmap_checks.roadmap_catalogue() is None
    assert monitoring_checks.zoning_rules(method) is None


# --- commands ---------------------------------------------------------------------------------


def test_compute_indicators_without_the_indicator_catalogue_names_load_indicators(no_catalogues, municipality):
    with pytest.raises(CommandError) as error:
        call_command("compute_indicators", "--year", "2024", stdout=io.StringIO())
    assert str(error.value).startswith(NO_INDICATORS)
    assert not IndicatorValue.objects.exists()


def test_compute_indicators_on_the_command_line_exits_1_with_the_message_on_stderr(
    no_catalogues, municipality, monkeypatch, capsys
):
    """As a person runs it (the issue's `OperationalError: near ")"`): exit code 1, the Russian
    message on stderr, no traceback. The command closes the connections when it ends: kept open
    here, the test's transaction holds the test database."""
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    monkeypatch.setattr(sys, "argv", ["manage.py", "compute_indicators", "--year", "2024"])
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(sys.argv)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert NO_INDICATORS in err
    assert "Traceback" not in err and "OperationalError" not in err


def test_compute_indicators_for_an_ege_year_without_minimum_scores_names_load_ege_min_scores(
    no_catalogues, municipality
):
    _ege_without_min_scores()
    with pytest.raises(CommandError, match="Минимальные баллы ЕГЭ за 2024 год не заведены.*load_ege_min_scores"):
        call_command("compute_indicators", "--year", "2024", stdout=io.StringIO())
    # a year without ЕГЭ test scores needs none
    call_command("compute_indicators", "--year", "2023", stdout=io.StringIO())


def test_compute_zones_of_a_method_without_rules_names_the_method_page(method):
    with pytest.raises(CommandError, match="В методике зонирования «Методика 2024» нет правил: добавьте правила"):
        call_command("compute_zones", "--method", str(method.pk), stdout=io.StringIO())


def test_compute_zones_before_the_indicators_names_compute_indicators(method):
    _rule(method)
    with pytest.raises(CommandError) as error:
        call_command("compute_zones", "--method", str(method.pk), stdout=io.StringIO())
    assert "Показатели за 2023/2024 учебный год не рассчитаны" in str(error.value)
    assert "python manage.py compute_indicators --year 2024" in str(error.value)
    assert not method.zones.exists()


# --- jobs -------------------------------------------------------------------------------------


def test_the_indicators_job_records_the_message(no_catalogues, municipality, methodist, client_for,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    """Enqueued by a results import (which does not check): the job ends failed, and its progress
    page shows the message itself, not «Задание завершилось с ошибкой: near ")"»."""
    with django_capture_on_commit_callbacks(execute=True):
        job = indicators_compute_enqueue(year=2024, municipality_id=municipality.pk, user=methodist)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith(NO_INDICATORS)
    page = client_for(methodist).get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert NO_INDICATORS in page.content.decode()


def test_the_zones_job_records_the_message(method, methodist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = zones_compute_enqueue(method=method, user=methodist)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("В методике зонирования «Методика 2024» нет правил")


# --- actions: 409 with the message ------------------------------------------------------------


def _refused(response, *fragments):
    assert response.status_code == 409
    text = response.content.decode()
    assert "Не хватает данных для расчёта" in text
    for fragment in fragments:
        assert fragment in text
    return text


def test_recomputing_indicators_on_the_page_answers_409_and_starts_no_job(no_catalogues, municipality, methodist,
                                                                          client_for):  # fmt: skip
    response = client_for(methodist).post(
        reverse("monitoring:compute_indicators"), {"year": 2024, "municipality": municipality.pk}
    )
    _refused(response, NO_INDICATORS)
    assert not Job.objects.exists()


def test_recomputing_an_ege_year_without_minimum_scores_answers_409(no_catalogues, municipality, methodist,
                                                                    client_for):  # fmt: skip
    _ege_without_min_scores()
    response = client_for(methodist).post(
        reverse("monitoring:compute_indicators"), {"year": 2024, "municipality": municipality.pk}
    )
    _refused(response, "Минимальные баллы ЕГЭ за 2024 год не заведены", "load_ege_min_scores")


def test_computing_zones_on_the_page_without_rules_or_values_answers_409(method, methodist, client_for):
    client = client_for(methodist)
    _refused(client.post(reverse("monitoring:method_compute", args=[method.pk])), "нет правил")
    _rule(method)
    _refused(client.post(reverse("monitoring:method_compute", args=[method.pk])), "не рассчитаны")
    assert not Job.objects.exists()


def test_standard_steps_of_a_function_without_steps_answer_409(no_catalogues, authority, methodist, client_for):
    """Before: «Добавлено стандартных шагов: 0» and nothing else."""
    roadmap = make_roadmap(authority, status=Roadmap.Status.DRAFT)
    function_type = FunctionType.objects.create(code="own", title="Функция муниципалитета")
    section = Section.objects.create(
        roadmap=roadmap, kind=Section.Kind.HEADING, heading="Функции", function_type=function_type
    )
    response = client_for(methodist).post(reverse("roadmaps:section_generate", args=[section.pk]))
    _refused(response, "У типа функции «Функция муниципалитета» нет стандартных шагов", LOAD_CATALOGUE)
    assert not Measure.objects.exists()


def test_a_roadmap_workbook_without_the_catalogue_answers_409(no_catalogues, authority, methodist, client_for):
    """Directions, functions and kinds are recognised by their titles in the catalogue: without it
    they would pass as plain headings and text."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = roadmap_xlsx_bytes(make_roadmap(authority, status=Roadmap.Status.DRAFT))
    with pytest.raises(PreconditionError, match=NO_CATALOGUE):
        parse_roadmap_workbook(workbook, owner=authority)
    upload = SimpleUploadedFile("карта.xlsx", workbook)
    response = client_for(methodist).post(
        reverse("reports:roadmap_import_new"), {"owner": authority.pk, "file": upload}
    )
    _refused(response, NO_CATALOGUE, LOAD_CATALOGUE)


# --- pages that show data: 200 with the message -----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "monitoring:overview",
        "monitoring:objectivity",
        "monitoring:effectiveness",
        "monitoring:indicators",
        "monitoring:methods",
        "monitoring:campaigns",
    ],
)
def test_analysis_pages_say_the_indicator_catalogue_is_empty(name, no_catalogues, municipality, methodist,
                                                             client_for):  # fmt: skip
    response = client_for(methodist).get(reverse(name))
    assert response.status_code == 200
    assert NO_INDICATORS in response.content.decode()


def test_the_method_page_says_what_zones_still_need(method, methodist, client_for):
    client = client_for(methodist)
    text = client.get(reverse("monitoring:method", args=[method.pk])).content.decode()
    assert NO_INDICATORS in text
    _rule(method)
    text = client.get(reverse("monitoring:method", args=[method.pk])).content.decode()
    assert NO_INDICATORS not in text
    assert "Показатели за 2023/2024 учебный год не рассчитаны" in text


@pytest.mark.parametrize("name", ["roadmaps:catalogue", "roadmaps:create", "reports:roadmap_import_new"])
def test_roadmap_pages_say_the_catalogue_is_not_loaded(name, no_catalogues, authority, methodist, client_for):
    response = client_for(methodist).get(reverse(name))
    assert response.status_code == 200
    text = response.content.decode()
    assert NO_CATALOGUE in text and LOAD_CATALOGUE in text


def test_the_roadmap_editor_says_the_catalogue_is_not_loaded(no_catalogues, authority, methodist, client_for):
    roadmap = make_roadmap(authority, status=Roadmap.Status.DRAFT)
    text = client_for(methodist).get(reverse("roadmaps:detail", args=[roadmap.pk])).content.decode()
    assert NO_CATALOGUE in text


def test_with_the_catalogues_loaded_the_pages_say_nothing(db, municipality, methodist, client_for):
    indicators_load()
    client = client_for(methodist)
    for url in (reverse("monitoring:indicators"), reverse("roadmaps:catalogue"), reverse("roadmaps:create")):
        assert 'data-testid="precondition"' not in client.get(url).content.decode(), url


def test_the_service_refuses_before_any_sql(no_catalogues):
    """The raw error came from SQL built from the empty catalogue: the service is refused first."""
    with pytest.raises(PreconditionError, match=NO_INDICATORS):
        indicators_compute(year=2024)
