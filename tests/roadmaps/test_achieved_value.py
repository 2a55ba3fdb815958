"""The value an organisation achieved against its measure's target, entered with its evidence
(issue 21 part 4): who may enter it, what is refused, and that it is kept in the history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmaps.execution import services
from roadmaps.models import Assignment, Measure
from tests.roadmaps.execution_factories import kind, make_plan, pdf_upload


@pytest.fixture
def plan(authority, school_a):
    roadmap, measure, [assignment] = make_plan(authority, school_a)
    Measure.objects.filter(pk=measure.pk).update(target_comparator="gte", target_value=50, target_unit="%")
    return Assignment.objects.get(pk=assignment.pk)


def url(assignment):
    return reverse("execution:achieved", args=[assignment.pk])


def test_director_enters_the_value_with_a_comma_and_it_is_in_the_history(client, director_a, plan):
    client.force_login(director_a)
    response = client.post(url(plan), {"achieved_value": "57,5"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.achieved_value == Decimal("57.5")
    assert plan.history.first().achieved_value == Decimal("57.5")
    page = client.get(reverse("execution:assignment", args=[plan.pk])).content.decode()
    assert 'value="57,5"' in page and "Целевой показатель: не менее 50 %" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("много", "«много» — не число"),
        ("150", "Доля в процентах не может быть больше 100"),
        ("-3", "не может быть меньше нуля"),
        ("1,23456", "Не больше трёх знаков после запятой"),
        ("NaN", "не число"),
    ],
)
def test_bad_values_are_refused_with_a_russian_message_and_nothing_saved(client, director_a, plan, typed, message):
    client.force_login(director_a)
    response = client.post(url(plan), {"achieved_value": typed})
    assert response.status_code == 400
    assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.achieved_value is None


def test_director_of_another_school_does_not_see_the_occurrence(client, director_b, plan):
    client.force_login(director_b)
    assert client.post(url(plan), {"achieved_value": "60"}).status_code == 404
    plan.refresh_from_db()
    assert plan.achieved_value is None


def test_methodist_does_not_declare_a_school_value(client, methodist, plan):
    client.force_login(methodist)
    assert client.post(url(plan), {"achieved_value": "60"}).status_code == 403


def test_the_authority_enters_its_own_value(client, methodist, authority):
    """A measure the authority executes itself: its methodists work on it and declare the value."""
    _, measure, [own] = make_plan(authority, authority)
    Measure.objects.filter(pk=measure.pk).update(target_comparator="gte", target_value=2, target_unit="мероприятий")
    client.force_login(methodist)
    assert client.post(url(own), {"achieved_value": "3"}).status_code == 302
    own.refresh_from_db()
    assert own.achieved_value == Decimal("3")


def test_no_value_while_the_occurrence_is_on_review(director_a, plan):
    Assignment.objects.filter(pk=plan.pk).update(status=Assignment.Status.SUBMITTED)
    with pytest.raises(services.ExecutionError, match="на проверке"):
        services.assignment_set_achieved(assignment=plan, by=director_a, value=Decimal("60"))


def test_no_value_for_a_measure_without_a_numeric_target(director_a, plan):
    Measure.objects.filter(pk=plan.measure_id).update(target_comparator="present", target_value=None)
    plan = Assignment.objects.get(pk=plan.pk)
    with pytest.raises(services.ExecutionError, match="нет количественного показателя"):
        services.assignment_set_achieved(assignment=plan, by=director_a, value=Decimal("1"))


def test_a_share_cannot_be_submitted_without_its_value(director_a, plan):
    services.evidence_add(
        assignment=plan, by=director_a, data=services.EvidenceData(kind=kind(), title="Справка"), upload=pdf_upload()
    )
    with pytest.raises(services.ExecutionError, match="Укажите достигнутое значение"):
        services.assignment_submit(assignment=plan, by=director_a)
    services.assignment_set_achieved(assignment=plan, by=director_a, value=Decimal("55"))
    assert services.assignment_submit(assignment=plan, by=director_a).status == Assignment.Status.SUBMITTED


def test_a_share_from_an_indicator_needs_no_value_to_submit(director_a, plan):
    Measure.objects.filter(pk=plan.measure_id).update(target_indicator_code="teachers_diagnosed")
    plan = Assignment.objects.get(pk=plan.pk)
    services.evidence_add(
        assignment=plan, by=director_a, data=services.EvidenceData(kind=kind(), title="Справка"), upload=pdf_upload()
    )
    assert services.assignment_submit(assignment=plan, by=director_a).status == Assignment.Status.SUBMITTED


def test_service_refuses_a_huge_number(director_a, plan):
    Measure.objects.filter(pk=plan.measure_id).update(target_unit="чел.")
    plan = Assignment.objects.get(pk=plan.pk)
    with pytest.raises(ValidationError, match="Слишком большое число"):
        services.assignment_set_achieved(assignment=plan, by=director_a, value=Decimal("1e12"))
