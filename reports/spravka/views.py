"""Pages of analytic reports: the list, «Сформировать справку», the справка with its conclusions,
and the actions (пересчитать, утвердить, PDF, Word, опубликовать)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from monitoring.analysis.selectors import municipality_for
from reports.models import AnalyticReport, Publication, ReportFile
from reports.pdf import spravka_context
from reports.publication.services import publication_of_file, spravka_publish_refusal
from reports.services import document_request
from reports.spravka import services
from reports.spravka.forms import SpravkaForm
from reports.spravka.selectors import spravka_files, spravka_for_user_or_404, spravki_for
from reports.views import _document_response
from schools.access import access_for, enforce

Kind = ReportFile.Kind


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def spravka_list(request):
    access = access_for(request.user)
    spravki = spravki_for(request.user).order_by("-created_at", "-pk")
    status = request.GET.get("status", "")
    if status in AnalyticReport.Status.values:
        spravki = spravki.filter(status=status)
    return render(
        request,
        "reports/spravka_list.html",
        {
            "spravki": spravki[:200],
            "status": status,
            "statuses": AnalyticReport.Status.choices,
            "can_compose": access.works_for_authority,
        },
    )


@login_required
def spravka_new(request):
    municipality = municipality_for(
        request.user, _int(request.GET.get("municipality") or request.POST.get("municipality"))
    )
    enforce(access_for(request.user).can_compose_spravka(municipality.pk), services.COMPOSE_REFUSED)
    form = SpravkaForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = data["assessment"] if data["subject"] == AnalyticReport.Subject.ASSESSMENT else None
        try:
            report = services.spravka_generate(
                by=request.user,
                municipality=municipality,
                organization=data["organization"],
                assessment=assessment,
                direction_code="" if assessment else data["direction_code"],
                year=None if assessment else data["year"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Справка сформирована: проверьте числа и напишите выводы и рекомендации")
            return redirect("reports:spravka", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/spravka_new.html", {"form": form, "municipality": municipality}, status=status)


@login_required
def spravka_detail(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    access = access_for(request.user)
    published = Publication.objects.public().filter(file__spravka=report).exists()
    return render(
        request,
        "reports/spravka_detail.html",
        spravka_context(report)
        | {
            "can_compose": report.is_draft and access.can_compose_spravka(report.municipality_id),
            "can_approve": report.is_draft and access.can_approve_in(report.municipality_id),
            "can_publish": not report.is_draft and access.can_approve_in(report.municipality_id),
            "publish_refusal": spravka_publish_refusal(report),
            "published": published,
            "files": spravka_files(request.user, report),
        },
    )


def _act(request, report, action, done: str):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("reports:spravka", pk=report.pk)


@login_required
@require_POST
def spravka_conclusions(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    text = request.POST.get("conclusions", "")
    return _act(
        request,
        report,
        lambda: services.spravka_conclusions_save(report=report, by=request.user, conclusions=text),
        "Выводы и рекомендации сохранены",
    )


@login_required
@require_POST
def spravka_regenerate(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    return _act(
        request,
        report,
        lambda: services.spravka_regenerate(report=report, by=request.user),
        "Числа справки пересчитаны по текущим данным",
    )


@login_required
@require_POST
def spravka_approve(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    return _act(request, report, lambda: services.spravka_approve(report=report, by=request.user), "Справка утверждена")


@login_required
@require_POST
def spravka_pdf(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.SPRAVKA_PDF, spravka=report, by=request.user))


@login_required
@require_POST
def spravka_docx(request, pk: int):
    report = spravka_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.SPRAVKA_DOCX, spravka=report, by=request.user))


@login_required
@require_POST
def spravka_publish(request, pk: int):
    """Publish the approved справка's PDF (rendered now if it is not kept yet) on the open page."""
    report = spravka_for_user_or_404(request.user, pk)
    enforce(access_for(request.user).can_approve_in(report.municipality_id), services.APPROVE_REFUSED)
    if report.is_draft:
        messages.error(request, "Публикуется только утверждённая аналитическая справка")
        return redirect("reports:spravka", pk=report.pk)
    if refusal := spravka_publish_refusal(report):
        messages.error(request, refusal)
        return redirect("reports:spravka", pk=report.pk)
    outcome = document_request(kind=Kind.SPRAVKA_PDF, spravka=report, by=request.user)
    if isinstance(outcome, Job):
        outcome.refresh_from_db()
        file_id = outcome.result.get("report_file_id") if outcome.status == Job.Status.SUCCEEDED else None
        if file_id is None:
            messages.info(request, "PDF справки формируется: опубликуйте, когда он будет готов")
            return redirect("jobs:detail", pk=outcome.pk)
        outcome = ReportFile.objects.get(pk=file_id)
    return _act(
        request,
        report,
        lambda: publication_of_file(report=outcome, by=request.user),
        "Справка опубликована на открытой странице муниципалитета",
    )
