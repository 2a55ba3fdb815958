"""Pages of addressed recommendations: the list, sending one, and following it up — each
organisation's report with documents, the methodist's decision, the выборочная проверка."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitoring.analysis.selectors import municipality_for
from monitoring.recommendations import selectors, services
from monitoring.recommendations.forms import DecisionForm, RecommendationForm, ReportForm, SampleForm
from roadmaps.selectors import assignment_picker
from roadmaps.uploads import stored_file_response
from schools.access import access_for, enforce
from schools.models import Organization

PICKABLE = [Organization.Kind.SCHOOL, Organization.Kind.PRESCHOOL, Organization.Kind.SUPPLEMENTARY]


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def recommendation_list(request):
    access = access_for(request.user)
    todo = request.GET.get("todo", "")
    if todo in selectors.WAITING:
        recommendations = selectors.recommendations_waiting(request.user, todo)
    else:
        todo, recommendations = "", selectors.recommendations_for(request.user)
    state = request.GET.get("state", "")
    if state in services.Recommendation.Status.values:
        recommendations = recommendations.filter(status=state)
    page = Paginator(recommendations, 30).get_page(request.GET.get("page"))
    if access.is_director:  # a director sees beside each how their own organisation stands
        answers = {
            a.recommendation_id: a
            for a in services.Addressee.objects.filter(
                recommendation__in=list(page.object_list), organization_id__in=access.organization_ids
            )
        }
        for recommendation in page.object_list:
            recommendation.my_answer = answers.get(recommendation.pk)
    return render(
        request,
        "monitoring/recommendations/list.html",
        {
            "page": page,
            "state": state,
            "todo": todo,
            "states": services.Recommendation.Status.choices,
            "can_send": bool(access.municipality_ids)
            and any(map(access.can_manage_monitoring, access.municipality_ids)),
        },
    )


@login_required
def recommendation_new(request):
    municipality = municipality_for(
        request.user, _int(request.GET.get("municipality") or request.POST.get("municipality"))
    )
    if not access_for(request.user).can_manage_monitoring(municipality.pk):
        raise PermissionDenied(services.SEND_REFUSED)
    organizations = Organization.objects.filter(municipality=municipality, kind__in=PICKABLE, is_active=True).order_by(
        "kind", "short_name"
    )
    form = RecommendationForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recommendation = services.recommendation_create(
                municipality=municipality, by=request.user, organizations=data["organizations"], text=data["text"],
                group=data["group"], due_date=data["due_date"],
            )  # fmt: skip
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, f"Рекомендация направлена: адресатов — {recommendation.addressees.count()}")
            return redirect("recommendations:detail", recommendation.pk)
    return render(
        request,
        "monitoring/recommendations/new.html",
        {
            "form": form,
            "municipality": municipality,
            "picker": assignment_picker(list(organizations), municipality.pk),
            "picker_open": True,
            "chosen_ids": {int(pk) for pk in request.POST.getlist("organizations") if pk.isdigit()},
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def recommendation_detail(request, pk: int):
    recommendation = selectors.recommendation_get(request.user, pk)
    addressees = list(selectors.addressees_visible(request.user, recommendation))
    access = access_for(request.user)
    rows = [
        {
            "addressee": a,
            "can_report": access.can_answer_recommendation(a.organization) and a.status != services.Status.DONE,
            "can_decide": access.can_decide_recommendation(a.organization),
        }
        for a in addressees
    ]
    return render(
        request,
        "monitoring/recommendations/detail.html",
        {
            "recommendation": recommendation,
            "rows": rows,
            "summary": selectors.summary(addressees),
            "sampled": [a for a in addressees if a.sampled],
            "can_manage": access.can_manage_monitoring(recommendation.municipality_id),
            "report_form": ReportForm(),
            "decision_form": DecisionForm(),
            "sample_form": SampleForm(),
        },
    )


@login_required
@require_POST
def addressee_report(request, pk: int):
    addressee = selectors.addressee_get(request.user, pk)
    enforce(access_for(request.user).can_answer_recommendation(addressee.organization), services.ANSWER_REFUSED)
    form = ReportForm(request.POST)
    form.is_valid()
    try:
        services.recommendation_report(
            addressee=addressee, by=request.user, report=form.cleaned_data.get("report", ""),
            files=request.FILES.getlist("files"),
        )  # fmt: skip
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Отчёт {addressee.organization.short_name} представлен")
    return redirect(f"{_detail_url(addressee)}#answer-{addressee.pk}")


@login_required
@require_POST
def addressee_decide(request, pk: int):
    addressee = selectors.addressee_get(request.user, pk)
    enforce(access_for(request.user).can_decide_recommendation(addressee.organization), services.DECIDE_REFUSED)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите решение: выполнена, выполнена частично или не выполнена")
        return redirect(f"{_detail_url(addressee)}#answer-{addressee.pk}")
    try:
        addressee = services.recommendation_decide(
            addressee=addressee, by=request.user, decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"{addressee.organization.short_name}: {addressee.get_status_display().lower()}")
    return redirect(f"{_detail_url(addressee)}#answer-{addressee.pk}")


@login_required
@require_POST
def recommendation_sample(request, pk: int):
    recommendation = selectors.recommendation_get(request.user, pk)
    enforce(access_for(request.user).can_manage_monitoring(recommendation.municipality_id), services.SEND_REFUSED)
    form = SampleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите, сколько организаций проверить: целое число от 1")
        return redirect("recommendations:detail", pk)
    try:
        chosen = services.recommendation_sample(
            recommendation=recommendation, by=request.user, size=form.cleaned_data["size"]
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, f"Для выборочной проверки выбрано организаций: {len(chosen)}")
    return redirect(f"{_detail_url(recommendation)}#sample")


@login_required
def file_download(request, pk: int):
    """A report's document, with the access check of its addressee; PDF and images open in the page."""
    stored = selectors.file_get(request.user, pk)
    return stored_file_response(
        stored.file, name=stored.original_name, content_type=stored.content_type, view=bool(request.GET.get("view"))
    )


def _detail_url(obj) -> str:
    recommendation_id = getattr(obj, "recommendation_id", None) or obj.pk
    return reverse("recommendations:detail", args=[recommendation_id])
