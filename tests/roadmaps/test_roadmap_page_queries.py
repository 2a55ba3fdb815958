"""The roadmap page reads in a constant number of queries, however many measures it holds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps import services
from roadmaps.models import Direction, EvidenceKind, ExecutorKind, FunctionType, Measure, MeasureExecutor, Track


def build(authority, methodist, school_a, measures: int):
    roadmap = services.roadmap_create(
        owner=authority, by=methodist, title="План", period_start=date(2022, 8, 1), period_end=date(2023, 7, 31)
    )
    direction = Direction.objects.get(code="1.1")
    sections = [
        services.section_create(
            roadmap=roadmap,
            by=methodist,
            kind="direction",
            direction=direction,
            tracks=Track.objects.filter(direction=direction)[:2],
            function_type=FunctionType.objects.get(code="regional_cycle"),
        ),
        services.section_create(roadmap=roadmap, by=methodist, kind="heading", heading="Мероприятия с ОО"),
    ]
    kinds = list(EvidenceKind.objects.all()[:2])
    executor_kind = ExecutorKind.objects.first()
    for index in range(measures):
        measure = services.measure_create(
            section=sections[index % 2],
            by=methodist,
            description=f"Мероприятие {index}",
            deadline_text="Сентябрь, ноябрь, март-апрель",
            actions=["Подготовить приказ", "Провести совещание"],
            evidence_kinds=kinds,
        )
        MeasureExecutor.objects.create(measure=measure, executor_kind=executor_kind, is_lead=True)
        MeasureExecutor.objects.create(measure=measure, organization=school_a, qualifier="совместно с ДМиС")
    services.measure_assign(
        measure=Measure.objects.filter(section__roadmap=roadmap).first(), organizations=[school_a], by=methodist
    )
    return roadmap


def count_queries(client, roadmap):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("roadmaps:detail", args=[roadmap.pk]))
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("who", ["methodist", "viewer"])
def test_roadmap_page_query_count_does_not_grow_with_measures(
    who, authority, methodist, viewer, school_a, client_for, django_assert_max_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0  # the table computed every time (the cached path: test_fragments)
    user = {"methodist": methodist, "viewer": viewer}[who]
    small = build(authority, methodist, school_a, 10)
    large = build(authority, methodist, school_a, 100)
    client = client_for(user)
    client.get(reverse("roadmaps:detail", args=[small.pk]))  # warm the session and the catalogue cache
    small_count, _ = count_queries(client, small)
    with django_assert_max_num_queries(small_count):
        response = client.get(reverse("roadmaps:detail", args=[large.pk]))
    html = response.content.decode()
    assert html.count('class="measure-row') == 100
    assert "3 срока" in html
    assert small_count <= 20, small_count
