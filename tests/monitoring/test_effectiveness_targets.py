"""The analysis of effectiveness lists the targets of the municipality's approved roadmaps with
«достигнуто / не достигнуто / нет данных» (issue 21 part 4), on its page and in its PDF, to those
who follow execution, scoped to what they see."""

import datetime

from django.urls import reverse
from django.utils import timezone

from monitoring.analysis.selectors import target_attainment
from monitoring.analysis.services import example_method_load, indicators_load
from reports.pdf import effectiveness_html
from roadmaps.models import Assignment, Measure, Roadmap
from tests.roadmaps.execution_factories import make_assignment, make_measure, make_roadmap, make_section


def targeted(authority, school, *, value, status=Roadmap.Status.APPROVED, description="Диагностика дефицитов"):
    roadmap = make_roadmap(authority, status=status, title=f"План {description}")
    measure = make_measure(make_section(roadmap), description=description)
    Measure.objects.filter(pk=measure.pk).update(
        target_comparator="gte", target_value=5, target_unit="%", target_text="не менее 5 % ежегодно"
    )
    due = max(timezone.localdate() - datetime.timedelta(days=400), roadmap.period_start)
    assignment = make_assignment(measure, school, due=due, status=Assignment.Status.ACCEPTED)
    Assignment.objects.filter(pk=assignment.pk).update(achieved_value=value)
    return roadmap


def test_methodist_sees_the_verdicts_on_the_page(client, methodist, authority, school_a):
    targeted(authority, school_a, value=7, description="Диагностика дефицитов")
    targeted(authority, school_a, value=3, description="Наставничество молодых педагогов")
    client.force_login(methodist)
    html = client.get(reverse("monitoring:effectiveness")).content.decode()
    assert "Целевые показатели мероприятий" in html
    assert 'data-verdict="достигнуто"' in html and 'data-verdict="не достигнуто"' in html
    assert "7 %: достигнуто" in html and "3 %: не достигнуто" in html


def test_drafts_are_not_analysed(methodist, authority, school_a, municipality):
    targeted(authority, school_a, value=7, status=Roadmap.Status.DRAFT)
    assert target_attainment(methodist, municipality) == []


def test_director_does_not_open_the_analysis(client, director_a, authority, school_a):
    targeted(authority, school_a, value=7)
    client.force_login(director_a)
    assert client.get(reverse("monitoring:effectiveness")).status_code == 403


def test_another_municipality_sees_none_of_it(other_municipality, authority, school_a, municipality):
    from tests.conftest import make_organization, make_user

    targeted(authority, school_a, value=7)
    other = make_organization(other_municipality, "uo77", "УО другого района", "authority")
    outsider = make_user("outsider_m", other, "methodist")
    assert target_attainment(outsider, municipality) == []


def test_the_pdf_has_the_same_rows(methodist, authority, school_a, municipality):
    roadmap = targeted(authority, school_a, value=3)
    indicators_load()
    method = example_method_load(municipality=municipality, year=roadmap.period_start.year)
    html = effectiveness_html(method, user=methodist)
    assert "Достижение целевых показателей мероприятий" in html
    rows = target_attainment(methodist, municipality, since_year=method.year)
    assert rows and all(row.text in html for row in rows)
    assert any(row.text.endswith("3 %: не достигнуто") for row in rows)


def test_the_analysis_takes_the_same_queries_for_one_or_three_roadmaps(
    methodist, authority, school_a, municipality, django_assert_max_num_queries
):
    targeted(authority, school_a, value=7)
    with django_assert_max_num_queries(8) as one:
        target_attainment(methodist, municipality)
    for index in range(2):
        targeted(authority, school_a, value=3, description=f"Мероприятие {index}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(target_attainment(methodist, municipality)) >= 3
