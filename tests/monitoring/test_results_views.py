"""The results import pages: who may do what, the upload → preview job → confirm → import job
path, downloads, and the number of queries of the list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import ResultImport, StudentResult
from monitoring.services import result_import_create, result_import_preview

HEADER = ["Код ОО", "Класс", "Предмет", "Код участника", "Отметка"]


@pytest.fixture
def workbook(xlsx, school_a):
    return xlsx([HEADER, [school_a.code, "5а", "Математика", "1", 4], ["sch404", "5а", "Математика", "2", 3]])


@pytest.fixture
def previewed(municipality, workbook, methodist):
    result_import = result_import_create(
        municipality=municipality, data=workbook, filename="vpr.xlsx", kind="vpr", year=2024, user=methodist
    )
    result_import_preview(result_import=result_import)
    return result_import


@pytest.fixture
def foreign_import(other_municipality, workbook):
    result_import = result_import_create(
        municipality=other_municipality, data=workbook, filename="other.xlsx", kind="vpr", year=2024
    )
    result_import_preview(result_import=result_import)
    return result_import


def upload(client, workbook, **extra):
    data = {
        "file": SimpleUploadedFile("ВПР.xlsx", workbook),
        "format": "students",
        "kind": "vpr",
        "year": 2024,
        **extra,
    }
    return client.post(reverse("results:results"), data)


@pytest.mark.parametrize("who", ["methodist", "official", "admin_user"])
def test_staff_of_the_authority_open_the_results_page(request, client_for, who, municipality):
    response = client_for(request.getfixturevalue(who)).get(reverse("results:results"))
    assert response.status_code == 200
    assert "Загрузить файл" in response.content.decode()


@pytest.mark.parametrize("who", ["director_a", "director_b", "viewer"])
def test_directors_and_viewers_may_not_import(request, client_for, who, workbook, previewed):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("results:results")).status_code == 403
    assert upload(client, workbook).status_code == 403
    for name in ("import_detail", "import_file", "import_rejected"):
        assert client.get(reverse(f"results:{name}", args=[previewed.pk])).status_code == 403
    assert client.post(reverse("results:import_confirm", args=[previewed.pk])).status_code == 403
    assert ResultImport.objects.count() == 1 and StudentResult.objects.count() == 0


def test_anonymous_is_sent_to_login(client_for, previewed):
    client = client_for(None)
    for url in (reverse("results:results"), reverse("results:import_detail", args=[previewed.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["methodist", "official"])
def test_staff_of_another_municipality_get_404(request, client_for, who, foreign_import):
    client = client_for(request.getfixturevalue(who))
    for name in ("import_detail", "import_file", "import_rejected"):
        assert client.get(reverse(f"results:{name}", args=[foreign_import.pk])).status_code == 404
    assert client.post(reverse("results:import_confirm", args=[foreign_import.pk])).status_code == 404


def test_upload_runs_the_preview_job_and_lists_problems(
    client_for, methodist, workbook, school_a, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, workbook)
    result_import = ResultImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("results:import_detail", args=[result_import.pk])
    assert result_import.status == ResultImport.Status.PREVIEWED
    assert result_import.job.status == "succeeded" and result_import.created_by == methodist
    page = client.get(response["Location"]).content.decode()
    assert "Неизвестные коды ОО (1)" in page and "sch404" in page
    assert "Неизвестный код ОО" in page
    assert StudentResult.objects.count() == 0  # the preview wrote nothing


def test_confirm_with_accept_partial_imports_and_shows_statistics(
    client_for, methodist, previewed, school_a, django_capture_on_commit_callbacks
):
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:import_confirm", args=[previewed.pk]))
    previewed.refresh_from_db()
    assert previewed.status == ResultImport.Status.REJECTED and StudentResult.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:import_confirm", args=[previewed.pk]), {"accept_partial": "on"})
    previewed.refresh_from_db()
    assert previewed.status == ResultImport.Status.IMPORTED
    assert StudentResult.objects.count() == 1
    page = client.get(reverse("results:import_detail", args=[previewed.pk])).content.decode()
    assert "Статистика школ" in page and school_a.short_name in page


def test_htmx_poll_returns_the_partial(client_for, methodist, previewed):
    response = client_for(methodist).get(reverse("results:import_detail", args=[previewed.pk]), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="import-status"') and "<html" not in content


def test_downloads_of_the_original_and_the_rejected_rows(client_for, official, previewed, workbook):
    client = client_for(official)
    original = client.get(reverse("results:import_file", args=[previewed.pk]))
    assert b"".join(original.streaming_content) == workbook
    rejected = client.get(reverse("results:import_rejected", args=[previewed.pk]))
    assert rejected.status_code == 200 and "attachment" in rejected["Content-Disposition"]


def test_bad_upload_is_explained(client_for, methodist):
    response = upload(
        client_for(methodist),
        b"hello",
    )
    assert response.status_code == 302  # any bytes are taken; the check says what is wrong
    result_import = ResultImport.objects.get()
    assert result_import.status in (ResultImport.Status.UPLOADED, ResultImport.Status.REJECTED)
    response = client_for(methodist).post(
        reverse("results:results"),
        {"file": SimpleUploadedFile("notes.txt", b"x"), "format": "students", "kind": "vpr", "year": 2024},
    )
    assert response.status_code == 200 and "не похож на книгу Excel" in response.content.decode()


def test_methodist_cannot_upload_for_another_municipality(client_for, methodist, workbook, other_municipality):
    response = upload(client_for(methodist), workbook, municipality=other_municipality.pk)
    assert response.status_code == 200 and ResultImport.objects.count() == 0


def test_list_page_query_count_does_not_grow(client_for, methodist, municipality, workbook):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def create(numbers):
        for number in numbers:
            result_import_create(
                municipality=municipality,
                data=workbook + bytes([number]),
                filename=f"{number}.xlsx",
                kind="vpr",
                year=2024,
                user=methodist,
            )

    def count() -> int:
        client = client_for(methodist)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("results:results")).status_code == 200
        return len(queries)

    create(range(2))
    few = count()
    create(range(2, 25))
    assert count() == few <= 12


def test_nav_shows_results_to_staff_only(client_for, methodist, director_a):
    assert "Результаты" in client_for(methodist).get(reverse("home")).content.decode()
    assert reverse("results:results") not in client_for(director_a).get(reverse("home")).content.decode()


def test_a_failed_job_says_why_and_can_be_rerun(
    client_for, methodist, workbook, monkeypatch, django_capture_on_commit_callbacks
):
    from monitoring import services

    def broken(*args, **kwargs):
        raise RuntimeError("сбой чтения")

    monkeypatch.setattr(services, "_read", broken)
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, workbook)
    page = client.get(response["Location"]).content.decode()
    assert "Задание завершилось с ошибкой: сбой чтения" in page and "Проверить</button>" in page
    monkeypatch.undo()
    result_import = ResultImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("results:import_recheck", args=[result_import.pk]))
    result_import.refresh_from_db()
    assert result_import.status == ResultImport.Status.PREVIEWED


def test_many_problems_are_counted_and_kept_in_the_workbook(
    client_for, methodist, municipality, xlsx, school_a, monkeypatch
):
    from openpyxl import load_workbook

    from monitoring import services

    monkeypatch.setattr(services, "PROBLEMS_KEPT", 2)
    monkeypatch.setattr("monitoring.views.PROBLEMS_SHOWN", 1)
    rows = [HEADER, *[[school_a.code, "5а", "Математика", str(n), 9] for n in range(3)]]
    result_import = result_import_create(
        municipality=municipality, data=xlsx(rows), filename="bad.xlsx", kind="vpr", year=2024
    )
    result_import_preview(result_import=result_import)
    result_import.refresh_from_db()
    assert len(result_import.problems) == 2 and result_import.summary["problems_total"] == 3
    assert len(list(load_workbook(result_import.rejected_file.path).active.values)) == 4
    page = client_for(methodist).get(reverse("results:import_detail", args=[result_import.pk])).content.decode()
    assert "Проблемы (3)" in page and "И ещё 2" in page
    assert "загружен командой" in page
    listing = client_for(methodist).get(reverse("results:results")).content.decode()
    assert "bad.xlsx" in listing
