"""What monitoring puts on the home page (schools.home): zoning methods waiting for the official's
approval, result imports with problems for the methodist. Each count is the list its link opens,
read with the same selector and filter."""

from django.urls import reverse
from django.utils.http import urlencode

from monitoring.analysis.selectors import methods_for
from monitoring.models import ZoningMethod
from monitoring.recommendations.selectors import recommendations_waiting
from monitoring.selectors import result_imports_for
from schools.access import access_for
from schools.home import Block, Source, Todo, home_source_register
from schools.models import Municipality, Organization


def official_todos(user) -> list[Todo]:
    """Draft zoning methods of each municipality the person heads (a method is approved by its order)."""
    access = access_for(user)
    municipalities = Municipality.objects.filter(pk__in=access.official_municipality_ids).order_by("name")
    todos = []
    for municipality in municipalities:
        params = {"municipality": municipality.pk, "status": ZoningMethod.Status.DRAFT}
        label = "Методики зонирования на утверждении"
        if len(access.official_municipality_ids) > 1:
            label += f": {municipality.name}"
        todos.append(
            Todo(
                key=f"methods-draft-{municipality.pk}",
                label=label,
                count=methods_for(user, municipality, ZoningMethod.Status.DRAFT).count(),
                url=f"{reverse('monitoring:methods')}?{urlencode(params)}",
                urgency=20,
            )
        )
    return todos


def methodist_todos(user) -> list[Todo]:
    if not access_for(user).methodist_municipality_ids:
        return []  # the region's methodists import nothing
    return [
        Todo(
            key="imports-problems",
            label="Загрузки результатов с проблемами",
            count=result_imports_for(user, problems=True).count(),
            url=f"{reverse('results:results')}?problems=1",
            urgency=30,
            tone="danger",
        )
    ]


def methodist_recommendation_todos(user) -> list[Todo]:
    if not access_for(user).methodist_municipality_ids:
        return []
    return [
        Todo(
            key="recommendations-decide",
            label="Рекомендации: отчёты ждут решения",
            count=recommendations_waiting(user, "decide").count(),
            url=f"{reverse('recommendations:list')}?todo=decide",
            urgency=25,
        )
    ]


def director_recommendation_todos(user) -> list[Todo]:
    if not access_for(user).organization_ids:
        return []
    return [
        Todo(
            key="recommendations-answer",
            label="Адресные рекомендации: нужен ваш отчёт",
            count=recommendations_waiting(user, "answer").count(),
            url=f"{reverse('recommendations:list')}?todo=answer",
            urgency=15,
        )
    ]


def director_analysis_block(user) -> list[Block]:
    """Links to «Анализ в школе» of each school the person directs."""
    access = access_for(user)
    if not access.organization_ids:
        return []
    schools = Organization.objects.filter(pk__in=access.organization_ids, kind=Organization.Kind.SCHOOL)
    schools = [school for school in schools.order_by("short_name") if access.can_analyse_school(school)]
    if not schools:
        return []
    return [Block("monitoring/inschool/home_block.html", {"schools": schools}, urgency=40)]


def register() -> None:
    home_source_register(Source("monitoring-official", "official", official_todos))
    home_source_register(Source("monitoring-methodist", "methodist", methodist_todos))
    home_source_register(Source("recommendations-methodist", "methodist", methodist_recommendation_todos))
    home_source_register(Source("recommendations-organization", "organization", director_recommendation_todos))
    home_source_register(Source("inschool-organization", "organization", director_analysis_block))
