"""The clusters page: the clustering of a municipality's schools for a year and its recomputation."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from monitoring.analysis.selectors import municipality_for
from monitoring.clusters import selectors
from monitoring.clusters.services import CLUSTER_REFUSED, clustering_choice_check
from monitoring.clusters.tasks import clustering_compute_enqueue
from monitoring.clusters.variables import BAND_NAMES, DEFAULT_VARIABLES, VARIABLES
from monitoring.models import Clustering
from schools.access import access_for, enforce
from schools.models import Municipality, SchoolContext

STAFF_ONLY = "Кластеры школ доступны сотрудникам органа управления образованием"


class ClusteringForm(forms.Form):
    year = forms.IntegerField(
        label="Учебный год (год окончания)",
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    variables = forms.MultipleChoiceField(
        label="Переменные контекста",
        choices=[(code, variable.label) for code, variable in VARIABLES.items()],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    bands = forms.TypedChoiceField(
        label="Групп по каждой переменной",
        coerce=int,
        choices=[(n, f"{n} ({', '.join(names)})") for n, names in BAND_NAMES.items()],
        initial=3,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean(self):
        data = super().clean()
        if "variables" in data and "bands" in data:
            try:
                data["variables"] = clustering_choice_check(variables=data["variables"], bands=data["bands"])
            except ValidationError as error:
                self.add_error("variables", error)
        return data


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def clusters_page(request):
    access = access_for(request.user)
    enforce(access.follows_execution, STAFF_ONLY)
    municipality = municipality_for(request.user, _int(request.GET.get("municipality")))
    years = sorted(
        set(Clustering.objects.for_user(request.user).filter(municipality=municipality).values_list("year", flat=True))
        | set(
            SchoolContext.objects.for_user(request.user)
            .filter(organization__municipality=municipality)
            .values_list("year", flat=True)
        ),
        reverse=True,
    )
    year = _int(request.GET.get("year")) or (years[0] if years else None)
    clustering = (
        Clustering.objects.for_user(request.user).filter(municipality=municipality, year=year).first() if year else None
    )
    can_cluster = access.can_cluster(municipality.pk)
    initial = {"year": year, "variables": DEFAULT_VARIABLES, "bands": 3}
    if clustering is not None:
        initial |= {"variables": clustering.variables, "bands": clustering.bands}
    context = {
        "municipality": municipality,
        "municipalities": Municipality.objects.for_user(request.user).order_by("name"),
        "year": year,
        "years": years,
        "clustering": clustering,
        "can_cluster": can_cluster,
        "form": ClusteringForm(initial=initial) if can_cluster else None,
        "job": Job.objects.for_user(request.user).filter(pk=_int(request.GET.get("job"))).first(),
    }
    if clustering is not None:
        context.update(selectors.clustering_page(clustering))
    return render(request, "monitoring/clusters/clusters.html", context)


@login_required
@require_POST
def clusters_compute(request):
    municipality = municipality_for(request.user, _int(request.POST.get("municipality")))
    enforce(access_for(request.user).can_cluster(municipality.pk), CLUSTER_REFUSED)
    form = ClusteringForm(request.POST)
    back = f"{reverse('clusters:page')}?municipality={municipality.pk}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label + ': ' if label else ''}{' '.join(errors)}")
        return redirect(back)
    data = form.cleaned_data
    year = data["year"]
    if not SchoolContext.objects.filter(organization__municipality=municipality, year=year).exists():
        messages.error(
            request,
            f"Нет контекстных данных школ за {year - 1}/{year} учебный год: сначала загрузите их",
        )
        return redirect(f"{back}&year={year}")
    job = clustering_compute_enqueue(
        municipality=municipality, year=year, variables=data["variables"], bands=data["bands"], user=request.user
    )
    return redirect(f"{back}&year={year}&job={job.pk}")
