"""The ЕГЭ minimum scores table: filled for recent years by an idempotent loader, kept by
administrators (their corrections survive a re-run)."""

import io

from django.core.management import call_command
from django.urls import reverse

from monitoring.models import EgeMinScore
from monitoring.services import EGE_MIN_SCORE_YEARS, ege_min_scores_load


def test_loader_fills_real_minimums_for_recent_years(db):
    created = ege_min_scores_load()
    assert created == EgeMinScore.objects.count() > 0
    assert set(EgeMinScore.objects.values_list("year", flat=True)) == set(EGE_MIN_SCORE_YEARS)
    scores = dict(EgeMinScore.objects.filter(year=2024).values_list("subject", "min_score"))
    assert scores["Русский язык"] == 24
    assert scores["Математика (профильная)"] == 27
    assert (scores["Физика"], scores["Химия"], scores["Биология"]) == (36, 36, 36)
    assert (scores["Информатика"], scores["История"], scores["География"]) == (40, 32, 37)
    assert (scores["Обществознание"], scores["Литература"], scores["Английский язык"]) == (42, 32, 22)


def test_loader_is_idempotent_and_keeps_corrections(db):
    ege_min_scores_load()
    EgeMinScore.objects.filter(year=2026, subject="Физика").update(min_score=39)
    out = io.StringIO()
    call_command("load_ege_min_scores", stdout=out)
    assert "добавлено 0" in out.getvalue()
    assert EgeMinScore.objects.get(year=2026, subject="Физика").min_score == 39


def test_administrator_edits_the_table_in_the_admin(client_for, admin_user):
    ege_min_scores_load()
    client = client_for(admin_user)
    assert client.get(reverse("admin:monitoring_egeminscore_changelist")).status_code == 200
    assert client.get(reverse("admin:monitoring_egeminscore_import")).status_code == 200


def test_methodist_has_no_admin(client_for, methodist):
    response = client_for(methodist).get(reverse("admin:monitoring_egeminscore_changelist"))
    assert response.status_code == 302
