"""Addressed recommendations that are followed up (issue 21 part 3): sent to a group of
organisations, each organisation reports with documents, the methodist decides per organisation,
some are picked for the выборочная проверка; the state changes only through these steps and every
step is kept in the history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Recommendation, RecommendationAddressee
from monitoring.recommendations import services
from monitoring.recommendations.selectors import summary

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Status = RecommendationAddressee.Status


@pytest.fixture
def recommendation(municipality, methodist, school_a, school_b):
    return services.recommendation_create(
        municipality=municipality,
        by=methodist,
        organizations=[school_a, school_b],
        text="Провести педсовет по итогам ВПР",
        group=Recommendation.Group.DIRECTORS,
        due_date=timezone.localdate() + timedelta(days=30),
    )


def answer(recommendation, organization):
    return recommendation.addressees.get(organization=organization)


def test_methodist_sends_a_recommendation_to_chosen_schools(client_for, methodist, municipality, school_a, school_b):
    response = client_for(methodist).post(
        reverse("recommendations:new"),
        {
            "municipality": municipality.pk,
            "text": "Организовать взаимопосещение уроков",
            "group": "teachers",
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "organizations": [school_a.pk, school_b.pk],
        },
    )
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302 and response.url == reverse("recommendations:detail", args=[recommendation.pk])
    assert recommendation.get_group_display() == "педагогическим работникам"
    assert set(recommendation.addressees.values_list("organization_id", "status")) == {
        (school_a.pk, Status.SENT),
        (school_b.pk, Status.SENT),
    }


def test_a_recommendation_without_addressees_or_text_is_refused_in_russian(client_for, methodist, municipality):
    response = client_for(methodist).post(
        reverse("recommendations:new"), {"municipality": municipality.pk, "text": "", "group": "directors"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Обязательное поле" in page
    assert not Recommendation.objects.exists()


def test_a_director_cannot_send_a_recommendation(client_for, director_a, municipality):
    response = client_for(director_a).get(reverse("recommendations:new") + f"?municipality={municipality.pk}")
    assert response.status_code in (403, 404)


def test_the_director_reports_with_a_document_and_sees_only_their_own_answer(
    client_for, director_a, recommendation, school_a, school_b
):
    client = client_for(director_a)
    own, other = answer(recommendation, school_a), answer(recommendation, school_b)
    response = client.post(
        reverse("recommendations:report", args=[own.pk]),
        {"report": "Педсовет проведён 12.11", "files": [SimpleUploadedFile("протокол.pdf", PDF)]},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == Status.REPORTED and own.report == "Педсовет проведён 12.11"
    [stored] = own.files.all()
    assert stored.original_name == "протокол.pdf" and stored.content_type == "application/pdf"
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_WORK

    page = client.get(reverse("recommendations:detail", args=[recommendation.pk])).content.decode()
    assert f'id="answer-{own.pk}"' in page and f'id="answer-{other.pk}"' not in page
    assert client.post(reverse("recommendations:report", args=[other.pk]), {"report": "чужой"}).status_code == 404
    assert answer(recommendation, school_b).status == Status.SENT


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_kept(client_for, director_a, recommendation, school_a):
    own = answer(recommendation, school_a)
    client = client_for(director_a)
    response = client.post(
        reverse("recommendations:report", args=[own.pk]),
        {"report": "Сделано", "files": [SimpleUploadedFile("отчёт.pdf", b"MZ\x90\x00 not a pdf")]},
        follow=True,
    )
    assert "не принят" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Status.SENT and own.report == "" and not own.files.exists()


def test_the_methodist_decides_and_the_recommendation_is_closed_when_all_are_decided(
    director_a, director_b, methodist, recommendation, school_a, school_b
):
    for director, school in ((director_a, school_a), (director_b, school_b)):
        services.recommendation_report(addressee=answer(recommendation, school), by=director, report="Сделано")
    with pytest.raises(ValidationError, match="чего не хватает"):
        services.recommendation_decide(addressee=answer(recommendation, school_b), by=methodist, decision=Status.PARTLY)
    services.recommendation_decide(addressee=answer(recommendation, school_a), by=methodist, decision=Status.DONE)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_WORK
    services.recommendation_decide(
        addressee=answer(recommendation, school_b), by=methodist, decision=Status.PARTLY, comment="Нет протокола"
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DONE
    result = summary(recommendation.addressees.all())
    assert result.total == 2 and result.done_percent == 50
    assert dict((s, n) for s, _, n in result.counts)[Status.PARTLY] == 1

    # a report after «частично» is looked at again; «выполнена» closes the report
    services.recommendation_report(addressee=answer(recommendation, school_b), by=director_b, report="Протокол есть")
    assert answer(recommendation, school_b).status == Status.REPORTED
    with pytest.raises(ValidationError, match="закрыт"):
        services.recommendation_report(addressee=answer(recommendation, school_a), by=director_a, report="ещё")


def test_no_decision_before_a_report_except_not_done_after_the_date(methodist, recommendation, school_a):
    own = answer(recommendation, school_a)
    with pytest.raises(ValidationError, match="ещё не представила отчёт"):
        services.recommendation_decide(addressee=own, by=methodist, decision=Status.NOT_DONE, comment="Нет отчёта")
    Recommendation.objects.filter(pk=recommendation.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    services.recommendation_decide(addressee=own, by=methodist, decision=Status.NOT_DONE, comment="Нет отчёта")
    assert answer(recommendation, school_a).status == Status.NOT_DONE


def test_a_director_never_decides_on_their_own_school(director_a, recommendation, school_a):
    own = answer(recommendation, school_a)
    services.recommendation_report(addressee=own, by=director_a, report="Сделано")
    with pytest.raises(PermissionDenied):
        services.recommendation_decide(addressee=own, by=director_a, decision=Status.DONE)


def test_every_step_is_kept_in_the_history(director_a, methodist, recommendation, school_a):
    own = answer(recommendation, school_a)
    services.recommendation_report(addressee=own, by=director_a, report="Сделано")
    services.recommendation_decide(addressee=own, by=methodist, decision=Status.DONE)
    statuses = list(own.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == [Status.SENT, Status.REPORTED, Status.DONE]


def test_the_sample_check_picks_the_asked_number(client_for, methodist, recommendation, school_a, school_b):
    chosen = services.recommendation_sample(recommendation=recommendation, by=methodist, size=1, seed="x")
    assert len(chosen) == 1 and recommendation.addressees.filter(sampled=True).count() == 1
    response = client_for(methodist).post(reverse("recommendations:sample", args=[recommendation.pk]), {"size": 5})
    assert response.status_code == 302
    assert recommendation.addressees.filter(sampled=True).count() == 2
    page = client_for(methodist).get(reverse("recommendations:detail", args=[recommendation.pk])).content.decode()
    assert "На проверке:" in page and school_a.short_name in page


def test_report_documents_are_served_with_the_access_check(
    client_for, director_a, director_b, methodist, recommendation, school_a
):
    own = answer(recommendation, school_a)
    services.recommendation_report(
        addressee=own, by=director_a, report="Сделано", files=[SimpleUploadedFile("протокол.pdf", PDF)]
    )
    url = reverse("recommendations:file", args=[own.files.get().pk])
    response = client_for(methodist).get(url + "?view=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert client_for(director_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_list_shows_a_director_how_their_school_stands(client_for, director_a, recommendation):
    page = client_for(director_a).get(reverse("recommendations:list")).content.decode()
    assert "Провести педсовет" in page and "ваша организация: направлена" in page


def test_the_recommendation_document_lists_every_addressee_with_its_answer(
    client_for, director_a, methodist, recommendation, school_a, school_b, django_capture_on_commit_callbacks
):
    from reports.models import ReportFile
    from reports.testing import flat, pdf_pages

    services.recommendation_report(addressee=answer(recommendation, school_a), by=director_a, report="Сделано")
    services.recommendation_decide(
        addressee=answer(recommendation, school_a), by=methodist, decision=Status.PARTLY, comment="Нет протокола"
    )
    client = client_for(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:recommendation_pdf", args=[recommendation.pk]))
    assert response.status_code == 302
    kept = ReportFile.objects.get(kind=ReportFile.Kind.RECOMMENDATION_PDF, recommendation=recommendation)
    text = flat(" ".join(pdf_pages(b"".join(client.get(reverse("reports:file", args=[kept.pk])).streaming_content))))
    assert "Адресные рекомендации руководителям ОО" in text and "Провести педсовет по итогам ВПР" in text
    assert f"{school_a.short_name} Выполнена частично" in text and "Нет протокола" in text
    assert f"{school_b.short_name} Направлена" in text
    assert "Адресатов: 2; направлена — 1; выполнена частично — 1." in text
    # a director reads the recommendation, not the other schools' answers
    assert (
        client_for(director_a).post(reverse("reports:recommendation_pdf", args=[recommendation.pk])).status_code == 403
    )
    assert client_for(director_a).get(reverse("reports:file", args=[kept.pk])).status_code == 404


def test_each_addressee_is_notified_and_the_methodist_hears_of_reports_and_the_school_of_decisions(
    director_a, director_b, methodist, municipality, school_a, school_b
):
    from roadmaps.models import Notification

    recommendation = services.recommendation_create(
        municipality=municipality, by=methodist, organizations=[school_a], text="Обновить план ВСОКО",
        group=Recommendation.Group.DIRECTORS,
    )  # fmt: skip
    sent = Notification.objects.get(kind=Notification.Kind.RECOMMENDATION)
    assert sent.recipient == director_a and "Обновить план ВСОКО" in sent.text
    assert sent.url == reverse("recommendations:detail", args=[recommendation.pk])
    assert not Notification.objects.filter(recipient=director_b).exists()

    own = answer(recommendation, school_a)
    services.recommendation_report(addressee=own, by=director_a, report="Обновлён")
    reported = Notification.objects.get(kind=Notification.Kind.RECOMMENDATION_REPORTED)
    assert reported.recipient == methodist and school_a.short_name in reported.text

    services.recommendation_decide(addressee=own, by=methodist, decision=Status.PARTLY, comment="Нет приказа")
    decided = Notification.objects.get(kind=Notification.Kind.RECOMMENDATION_DECIDED)
    assert decided.recipient == director_a and "выполнена частично: Нет приказа" in decided.text


def test_the_home_counts_what_waits_and_links_to_exactly_those(
    client_for, director_a, methodist, recommendation, school_a
):
    import re

    from tests.schools.test_home_todo import todos

    def rows(client, url: str) -> set[str]:
        return set(re.findall(r'href="/monitoring/recommendations/(\d+)/"', client.get(url).content.decode()))

    client = client_for(director_a)
    count, url = todos(client.get(reverse("home")).content.decode())["recommendations-answer"]
    assert count == 1 and rows(client, url) == {str(recommendation.pk)}

    services.recommendation_report(addressee=answer(recommendation, school_a), by=director_a, report="Сделано")
    assert todos(client.get(reverse("home")).content.decode())["recommendations-answer"][0] == 0
    client = client_for(methodist)
    count, url = todos(client.get(reverse("home")).content.decode())["recommendations-decide"]
    assert count == 1 and rows(client, url) == {str(recommendation.pk)}
