import io

from django.core.management import call_command
from django.urls import reverse

from roadmaps.catalogue import catalogue_load
from roadmaps.models import CycleStage, Direction, EvidenceKind, ExecutorKind, FunctionType, StepTemplate, Track


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (CycleStage, Direction, Track, FunctionType, StepTemplate, EvidenceKind, ExecutorKind)
    }


def test_catalogue_has_the_shipped_content(db):
    assert Direction.objects.count() == 8
    assert Track.objects.count() == 18
    assert CycleStage.objects.count() == 9
    steps = {ft.code: ft.steps.count() for ft in FunctionType.objects.all()}
    assert steps == {"regional_cycle": 5, "municipal_analysis": 6, "full_cycle": 6}
    assert EvidenceKind.objects.count() == 14
    assert ExecutorKind.objects.count() == 9
    first = StepTemplate.objects.get(function_type__code="regional_cycle", order=1)
    assert first.deadline_text == "Август"
    assert set(first.evidence_kinds.values_list("code", flat=True)) == {"protocol", "order"}


def test_loading_twice_changes_nothing(db):
    before = counts()
    assert sum(catalogue_load().values()) == 0
    call_command("load_catalogue", stdout=io.StringIO())
    assert counts() == before


def test_administrator_edits_survive_reload_unless_update(db):
    direction = Direction.objects.get(code="1.1")
    direction.title = "Изменено администратором"
    direction.save()
    catalogue_load()
    direction.refresh_from_db()
    assert direction.title == "Изменено администратором"
    catalogue_load(update=True)
    direction.refresh_from_db()
    assert direction.title == "Система оценки качества подготовки обучающихся"


def test_catalogue_page_lists_directions_and_steps(client_for, director_a):
    page = client_for(director_a).get(reverse("roadmaps:catalogue")).content.decode()
    assert "Объективность оценки качества подготовки обучающихся" in page
    assert "Принятие муниципальных мер в рамках реализации регионального управленческого цикла" in page
    assert "Редактировать" not in page


def test_catalogue_is_editable_by_administrators_only(client_for, admin_user, methodist):
    assert "Редактировать" in client_for(admin_user).get(reverse("roadmaps:catalogue")).content.decode()
    url = reverse("admin:roadmaps_direction_change", args=[Direction.objects.get(code="1.1").pk])
    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(methodist).get(url).status_code == 302
