"""Pages of the ШНРО/ШНСУ identification: methods and their criteria, the run with its progress,
the year's list with the criteria met and the numbers, its approval and print, the history of each
school across years, and the dynamics of direction 1.2 for the identified schools."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from monitoring.analysis.forms import ApproveForm
from monitoring.analysis.selectors import municipality_for
from monitoring.identification import selectors, services
from monitoring.identification.forms import CriterionForm, MethodForm
from monitoring.identification.tasks import identification_compute_enqueue
from monitoring.models import IdentificationList, IdentificationMethod
from schools.access import access_for, enforce
from schools.models import Municipality

READ_REFUSED = "Страница идентификации ШНРО и ШНСУ доступна сотрудникам органа управления образованием"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _form_errors(form, error: ValidationError) -> None:
    """The service's messages onto the form's fields where it names one, else onto the form."""
    if hasattr(error, "error_dict"):
        for name, items in error.error_dict.items():
            for item in items:
                for message in item.messages:
                    form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@login_required
def method_list(request):
    access = access_for(request.user)
    enforce(access.reads_identification, READ_REFUSED)
    municipality = municipality_for(request.user, _int(request.GET.get("municipality")))
    can_edit = access.can_identify(municipality.pk)
    form = MethodForm(request.POST or None, initial={"minimum_participants": 5}) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(services.EDIT_REFUSED)
        if form.is_valid():
            try:
                method = services.method_create(municipality=municipality, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Методика создана: добавьте критерии")
                return redirect("identification:method", pk=method.pk)
    years, history = selectors.history(request.user, municipality)
    return render(
        request,
        "monitoring/identification/methods.html",
        {
            "municipality": municipality,
            "municipalities": Municipality.objects.for_user(request.user).order_by("name"),
            "methods": selectors.methods_for(request.user, municipality),
            "lists": selectors.lists_for(request.user, municipality),
            "history_years": years,
            "history": history,
            "form": form,
        },
    )


@login_required
def method_detail(request, pk: int):
    access = access_for(request.user)
    enforce(access.reads_identification, READ_REFUSED)
    method = selectors.method_get(request.user, pk)
    can_edit = access.can_identify(method.municipality_id) and method.is_editable
    editing = request.method == "POST" and request.POST.get("action") == "method"
    method_form = MethodForm(request.POST if editing else None, instance=method) if can_edit else None
    subjects = selectors.subjects()
    criterion_form = (
        CriterionForm(request.POST if request.method == "POST" and not editing else None, subjects=subjects)
        if can_edit
        else None
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Методика утверждена или у вас нет права её изменять")
        if editing:
            if method_form.is_valid():
                fields = {name: method_form.cleaned_data[name] for name in method_form.fields}
                method.refresh_from_db()
                try:
                    services.method_update(method=method, by=request.user, **fields)
                except ValidationError as error:
                    _form_errors(method_form, error)
                else:
                    messages.success(request, "Методика сохранена")
                    return redirect("identification:method", pk=method.pk)
        elif criterion_form.is_valid():
            try:
                services.criterion_add(method=method, by=request.user, **criterion_form.cleaned_data)
            except ValidationError as error:
                _form_errors(criterion_form, error)
            else:
                messages.success(request, "Критерий добавлен")
                return redirect("identification:method", pk=method.pk)
    criteria = list(method.criteria.select_related("indicator"))
    listing = IdentificationList.objects.for_user(request.user).filter(method=method).first()
    return render(
        request,
        "monitoring/identification/method.html",
        {
            "method": method,
            "results_criteria": [c for c in criteria if c.is_results],
            "context_criteria": [c for c in criteria if not c.is_results],
            "words": selectors.combination_words(method),
            "problems": services.method_check(method) if method.is_editable else [],
            "method_form": method_form,
            "criterion_form": criterion_form,
            "can_edit": can_edit,
            "can_run": access.can_identify(method.municipality_id)
            and method.status == IdentificationMethod.Status.APPROVED
            and not (listing and listing.is_approved),
            "approve_form": ApproveForm()
            if access.can_approve_identification(method.municipality_id) and method.is_editable
            else None,
            "listing": listing,
            "job": Job.objects.for_user(request.user).filter(pk=_int(request.GET.get("job"))).first(),
        },
    )


@login_required
@require_POST
def criterion_delete(request, pk: int):
    criterion = selectors.criterion_get(request.user, pk)
    method = criterion.method
    try:
        services.criterion_delete(criterion=criterion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Критерий удалён")
    return redirect("identification:method", pk=method.pk)


def _approve_by_order(request, *, approve, missing: str, done: str, back):
    """The order's number and date from the form, then the approval service; every outcome a
    message on the page the approval came from."""
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, missing)
        return back
    try:
        approve(by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return back


@login_required
@require_POST
def method_approve(request, pk: int):
    method = selectors.method_get(request.user, pk)
    enforce(access_for(request.user).can_approve_identification(method.municipality_id), services.APPROVE_REFUSED)
    return _approve_by_order(
        request,
        approve=functools.partial(services.method_approve, method=method),
        missing="Укажите номер и дату приказа об утверждении методики",
        done="Методика утверждена: теперь по ней можно рассчитать список",
        back=redirect("identification:method", pk=pk),
    )


@login_required
@require_POST
def method_run(request, pk: int):
    method = selectors.method_get(request.user, pk)
    enforce(access_for(request.user).can_identify(method.municipality_id), services.RUN_REFUSED)
    if method.status != IdentificationMethod.Status.APPROVED:
        messages.error(request, "Рассчитать список можно только по утверждённой методике")
        return redirect("identification:method", pk=pk)
    job = identification_compute_enqueue(method=method, user=request.user)
    return redirect(f"{reverse('identification:method', args=[pk])}?job={job.pk}")


def _list_context(request, listing: IdentificationList, *, only_listed: bool) -> dict:
    entries = list(selectors.list_entries(listing, only_listed=only_listed))
    identified = [e.organization_id for e in entries if e.is_listed]
    per_school = selectors.dynamics(listing.municipality_id, listing.year, identified)
    for entry in entries:
        entry.dynamics = per_school.get(entry.organization_id, [])
    return {
        "listing": listing,
        "method": listing.method,
        "words": selectors.combination_words(listing.method),
        "entries": entries,
        "summary": selectors.dynamics_summary(per_school),
        "only_listed": only_listed,
    }


@login_required
def list_detail(request, pk: int):
    access = access_for(request.user)
    enforce(access.reads_identification, READ_REFUSED)
    listing = selectors.list_get(request.user, pk)
    only_listed = request.GET.get("all") != "1"
    context = _list_context(request, listing, only_listed=only_listed)
    context["approve_form"] = (
        ApproveForm()
        if access.can_approve_identification(listing.municipality_id) and not listing.is_approved
        else None
    )
    return render(request, "monitoring/identification/list.html", context)


@login_required
def list_print(request, pk: int):
    enforce(access_for(request.user).reads_identification, READ_REFUSED)
    listing = selectors.list_get(request.user, pk)
    return render(request, "monitoring/identification/print.html", _list_context(request, listing, only_listed=True))


@login_required
@require_POST
def list_approve(request, pk: int):
    listing = selectors.list_get(request.user, pk)
    enforce(access_for(request.user).can_approve_identification(listing.municipality_id), services.APPROVE_REFUSED)
    return _approve_by_order(
        request,
        approve=functools.partial(services.list_approve, identification_list=listing),
        missing="Укажите номер и дату приказа об утверждении списка",
        done="Список утверждён: отметки ШНРО и ШНСУ школ установлены по нему",
        back=redirect("identification:list", pk=pk),
    )
