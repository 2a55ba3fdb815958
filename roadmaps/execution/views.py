"""Pages of execution: my occurrences, an occurrence with its evidence, the review queue,
dashboards, notifications and the guarded file download. Thin: selectors read, services write."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.lib.replica import heavy_read
from roadmaps.execution import selectors as selectors
from roadmaps.execution import services as services
from roadmaps.execution.forms import (
    AchievedValueForm,
    AssignmentFilterForm,
    DecisionForm,
    EvidenceForm,
    ReopenForm,
    ReturnForm,
)
from roadmaps.models import Notification, Roadmap
from roadmaps.table import decimal_text, number_measures, target_line
from roadmaps.uploads import stored_file_response
from schools.access import access_for


def _error_text(error: ValidationError) -> str:
    return "; ".join(str(m) for m in error.messages)


@login_required
def my_assignments(request):
    filters = selectors.AssignmentFilters.from_query(request.GET)
    form = AssignmentFilterForm(request.GET or None, user=request.user)
    page = Paginator(selectors.my_assignments(request.user, filters), 50).get_page(request.GET.get("page"))
    number_measures(a.measure for a in page)
    summary = selectors.my_summary(request.user)
    context = {
        "page": page,
        "form": form,
        "summary": summary,
        "tabs": selectors.state_tabs(summary, "execution:my", filters),
        "filters": filters,
        "today": timezone.localdate(),
    }
    template = "execution/partials/my_table.html" if request.htmx else "execution/my_list.html"
    return render(request, template, context)


@login_required
def execution_list(request):
    """Every occurrence the person may see, filtered: the list behind the dashboards' counters."""
    filters = selectors.AssignmentFilters.from_query(request.GET)
    form = AssignmentFilterForm(
        request.GET or None, user=request.user, with_roadmap=True, with_organization=True, with_municipality=True
    )
    page = Paginator(selectors.execution_list(request.user, filters), 50).get_page(request.GET.get("page"))
    number_measures(a.measure for a in page)
    roadmap = Roadmap.objects.for_user(request.user).filter(pk=filters.roadmap).first() if filters.roadmap else None
    summary = selectors.execution_list_summary(request.user, filters)
    context = {
        "page": page,
        "form": form,
        "summary": summary,
        "tabs": selectors.state_tabs(summary, "execution:list", filters),
        "filters": filters,
        "roadmap": roadmap,
    }
    template = "execution/partials/list_table.html" if request.htmx else "execution/list.html"
    return render(request, template, context)


@login_required
def my_calendar(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    filters = selectors.AssignmentFilters.from_query(request.GET)
    weeks = selectors.month_calendar(request.user, first.year, first.month, filters)
    previous = (first.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return render(
        request,
        "execution/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "month_name": selectors.MONTHS[first.month - 1],
            "previous": previous,
            "following": following,
            "weekdays": ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
        },
    )


def _detail_context(request, assignment, **forms):
    user = request.user
    access = access_for(user)
    number_measures([assignment.measure])
    measure = assignment.measure
    achieved = assignment.achieved_value
    return {
        "a": assignment,
        "takes_achieved": services.takes_achieved_value(measure),
        "target": target_line(measure),
        "achieved_text": "" if achieved is None else f"{decimal_text(achieved)} {measure.target_unit}".strip(),
        "achieved_form": forms.get("achieved_form")
        or AchievedValueForm(
            initial={"achieved_value": "" if achieved is None else decimal_text(achieved)}, unit=measure.target_unit
        ),
        "checklist": selectors.evidence_checklist(assignment),
        "actions": selectors.actions_checklist(assignment),
        "can_work": access.can_work_on(assignment),
        "can_review": access.can_review(assignment) and assignment.submitted_by_id != user.pk,
        "is_open": assignment.is_open and assignment.measure.section.roadmap.status == "approved",
        "evidence_form": forms.get("evidence_form") or EvidenceForm(assignment=assignment),
        # Distinct ids: the three comment fields share the name «comment» on one page.
        "return_form": forms.get("return_form") or ReturnForm(auto_id="return_%s"),
        "accept_form": DecisionForm(auto_id="accept_%s"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(auto_id="reopen_%s"),
        "last_return": next(
            (d for d in reversed(list(assignment.decisions.all())) if d.decision in ("returned", "reopened")), None
        ),
    }


@login_required
def assignment_detail(request, pk: int):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return render(request, "execution/assignment_detail.html", _detail_context(request, assignment))


def _back(pk):
    return redirect("execution:assignment", pk=pk)


@login_required
@require_POST
def evidence_add(request, pk: int):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if not access_for(request.user).can_work_on(assignment):
        raise PermissionDenied(services.WORK_REFUSED)
    form = EvidenceForm(request.POST, request.FILES, assignment=assignment)
    if form.is_valid():
        data = services.EvidenceData(
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            number=form.cleaned_data["number"],
            date=form.cleaned_data["date"],
            link=form.cleaned_data["link"],
        )
        try:
            services.evidence_add(assignment=assignment, by=request.user, data=data, upload=form.cleaned_data["file"])
        except services.ExecutionError as error:
            messages.error(request, str(error))
            return _back(pk)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, f"Документ «{data.title}» добавлен")
            return _back(pk)
    messages.error(request, "Документ не добавлен: исправьте ошибки в форме")
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    context = _detail_context(request, assignment, evidence_form=form)
    return render(request, "execution/assignment_detail.html", context, status=400)


@login_required
@require_POST
def achieved_value_set(request, pk: int):
    """The organisation's achieved value against the measure's target (with its evidence)."""
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if not access_for(request.user).can_work_on(assignment):
        raise PermissionDenied(services.WORK_REFUSED)
    form = AchievedValueForm(request.POST, unit=assignment.measure.target_unit)
    if form.is_valid():
        value = form.cleaned_data["achieved_value"]
        try:
            services.assignment_set_achieved(assignment=assignment, by=request.user, value=value)
        except services.ExecutionError as error:
            messages.error(request, str(error))
            return _back(pk)
        except ValidationError as error:
            form.add_error("achieved_value", _error_text(error))
        else:
            messages.success(request, "Достигнутое значение сохранено" if value is not None else "Значение очищено")
            return _back(pk)
    messages.error(request, "Значение не сохранено: исправьте ошибку в форме")
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    context = _detail_context(request, assignment, achieved_form=form)
    return render(request, "execution/assignment_detail.html", context, status=400)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except services.ExecutionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Документ «{evidence.title}» удалён")
    return _back(evidence.assignment_id)


@login_required
def evidence_download(request, pk: int):
    """The only way to a stored file: access is checked, the original name is given back."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    if not evidence.file:
        raise Http404("У документа нет файла")
    # The type and the name's extension are those of the kind recognised by content when the file
    # was taken (rows kept before names were made to agree with it are mended there too).
    return stored_file_response(
        evidence.file,
        name=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type,
        view=bool(request.GET.get("view")),
    )


@login_required
@require_POST
def action_toggle(request, pk: int, index: int):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    try:
        assignment = services.assignment_toggle_action(assignment=assignment, by=request.user, index=index)
    except services.ExecutionError as error:
        messages.error(request, str(error))
        return _back(pk)
    if request.htmx:
        assignment = selectors.assignment_get(user=request.user, pk=pk)
        return render(request, "execution/partials/actions.html", _detail_context(request, assignment))
    return _back(pk)


def _decide(request, pk: int, action, form_class, form_key, success: str, *, review: bool = False):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    if review and not access_for(request.user).can_review(assignment):
        raise PermissionDenied(services.REVIEW_REFUSED)
    form = form_class(request.POST, auto_id=form_key.replace("_form", "_%s")) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        context = _detail_context(request, assignment, **{form_key: form})
        return render(request, "execution/assignment_detail.html", context, status=400)
    kwargs = {"comment": form.cleaned_data["comment"]} if form is not None else {}
    try:
        action(assignment=assignment, by=request.user, **kwargs)
    except (services.ExecutionError, ValidationError) as error:
        messages.error(request, _error_text(error) if isinstance(error, ValidationError) else str(error))
        return _back(pk)
    if review and action is not services.assignment_reopen:
        # a reviewer goes on with the next occurrence waiting for review, oldest submission first
        waiting = selectors.review_queue(request.user).exclude(pk=pk)
        following = waiting.first()
        if following is not None:
            left = waiting.count()
            messages.success(request, f"{success}. Открыто следующее на проверке (осталось {left})")
            return redirect("execution:assignment", pk=following.pk)
        messages.success(request, f"{success}. Больше ничего не ждёт проверки")
        return redirect("execution:review")
    messages.success(request, success)
    return _back(pk)


@login_required
@require_POST
def assignment_submit(request, pk: int):
    return _decide(request, pk, services.assignment_submit, None, "", "Отправлено на проверку методисту")


@login_required
@require_POST
def assignment_accept(request, pk: int):
    return _decide(
        request, pk, services.assignment_accept, DecisionForm, "accept_form", "Исполнение принято", review=True
    )


@login_required
@require_POST
def assignment_return(request, pk: int):
    return _decide(
        request, pk, services.assignment_return, ReturnForm, "return_form", "Возвращено на доработку", review=True
    )


@login_required
@require_POST
def assignment_reopen(request, pk: int):
    return _decide(
        request, pk, services.assignment_reopen, ReopenForm, "reopen_form", "Исполнение открыто повторно", review=True
    )


@login_required
def review_queue(request):
    if not access_for(request.user).works_for_authority:
        raise PermissionDenied("Раздел доступен методистам и руководителям управления образования")
    filters = selectors.AssignmentFilters.from_query(request.GET)
    filters.state = ""
    form = AssignmentFilterForm(
        request.GET or None, user=request.user, with_roadmap=True, with_organization=True, with_resubmitted=True
    )
    del form.fields["state"]
    page = Paginator(selectors.review_queue(request.user, filters), 50).get_page(request.GET.get("page"))
    number_measures(a.measure for a in page)
    context = {"page": page, "form": form}
    template = "execution/partials/review_table.html" if request.htmx else "execution/review_queue.html"
    return render(request, template, context)


@login_required
@heavy_read
def dashboard_index(request):
    return render(
        request,
        "execution/dashboard_index.html",
        {
            "roadmaps": selectors.execution_overview(request.user),
            "municipalities": selectors.visible_municipalities(request.user),
        },
    )


@login_required
@heavy_read
def dashboard_roadmap(request, pk: int):
    roadmap, dashboard = selectors.roadmap_dashboard(user=request.user, pk=pk)
    return render(request, "execution/dashboard.html", {"roadmap": roadmap, "d": dashboard})


@login_required
@heavy_read
def dashboard_municipality(request, pk: int):
    municipality, dashboard = selectors.municipality_dashboard(user=request.user, pk=pk)
    return render(request, "execution/dashboard.html", {"municipality": municipality, "d": dashboard})


@login_required
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).select_related(
        "assignment__measure", "assignment__organization"
    )
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    return render(request, "execution/notifications.html", {"page": page})


@login_required
def notification_bell(request):
    count = Notification.objects.for_user(request.user).unread().count()
    return render(request, "execution/partials/bell.html", {"unread": count})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notifications_mark_read(user=request.user, pks=[notification.pk])
    if notification.url and request.POST.get("go"):
        return redirect(notification.url)
    return redirect("execution:notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"Отмечено прочитанными: {count}")
    return redirect("execution:notifications")
