"""Columns the check did not recognise: the preview lists them, a methodist maps each to a field
or «не использовать», and the municipality's later files with the same headings are read so."""

from django.urls import reverse

from monitoring.models import HeaderMapping, ResultImport
from monitoring.services import header_mappings_save, result_import_preview

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Итог", "Примечание учителя"]


def rows(school):
    return [HEADER, [school.code, "5А", "Математика", "1", 4, ""], [school.code, "5А", "Математика", "2", 3, "болел"]]


def test_a_required_column_under_an_unknown_heading_is_listed_then_mapped(
    xlsx, run_import, school_a, methodist, client_for, django_capture_on_commit_callbacks
):
    result_import, outcome = run_import(xlsx(rows(school_a)), "ВПР.xlsx", apply=False)
    assert result_import.status == ResultImport.Status.REJECTED
    assert outcome.unknown_columns == ["Итог", "Примечание учителя"]
    page = client_for(methodist).get(reverse("results:import_detail", args=[result_import.pk])).content.decode()
    assert "Нераспознанные столбцы: 2" in page and "«Итог»" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(methodist).post(
            reverse("results:import_columns", args=[result_import.pk]), {"field_0": "mark", "field_1": ""}
        )
    assert response.status_code == 302
    result_import.refresh_from_db()
    assert result_import.status == ResultImport.Status.PREVIEWED
    assert result_import.summary["to_take"] == 2 and result_import.summary["unknown_columns"] == []
    assert dict(HeaderMapping.objects.values_list("header", "field")) == {"Итог": "mark", "Примечание учителя": ""}

    # The municipality's next file with the same headings is read so from the start.
    later, outcome = run_import(xlsx(rows(school_a)), "ВПР-2.xlsx", year=2025)
    assert later.status == ResultImport.Status.IMPORTED and outcome.imported == 2


def test_undecided_columns_are_not_saved_and_unknown_fields_are_refused(xlsx, run_import, school_a, methodist):
    result_import, _ = run_import(xlsx(rows(school_a)), "ВПР.xlsx", apply=False)
    assert header_mappings_save(result_import=result_import, mapping={"Итог": None}, by=methodist) == 0
    import pytest

    from monitoring.services import ResultImportError

    with pytest.raises(ResultImportError, match="не существует"):
        header_mappings_save(result_import=result_import, mapping={"Итог": "full_name"}, by=methodist)
    with pytest.raises(ResultImportError, match="нет среди нераспознанных"):
        header_mappings_save(result_import=result_import, mapping={"Код ОО": "mark"}, by=methodist)
    assert not HeaderMapping.objects.exists()


def test_another_municipality_is_not_affected(xlsx, run_import, school_a, other_school, methodist):
    result_import, _ = run_import(xlsx(rows(school_a)), "ВПР.xlsx", apply=False)
    header_mappings_save(result_import=result_import, mapping={"Итог": "mark"}, by=methodist)
    result_import_preview(result_import=result_import)
    assert result_import.status == ResultImport.Status.PREVIEWED
    foreign, outcome = run_import(xlsx(rows(other_school)), "ВПР.xlsx", apply=False, target=other_school.municipality)
    assert foreign.status == ResultImport.Status.REJECTED and "Итог" in outcome.unknown_columns


def test_a_director_cannot_map_columns(xlsx, run_import, school_a, director_a, client_for):
    result_import, _ = run_import(xlsx(rows(school_a)), "ВПР.xlsx", apply=False)
    response = client_for(director_a).post(
        reverse("results:import_columns", args=[result_import.pk]), {"field_0": "mark"}
    )
    assert response.status_code == 403
    assert not HeaderMapping.objects.exists()
