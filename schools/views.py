from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from schools.access import access_for
from schools.filters import OrganizationFilter
from schools.home import home_panels
from schools.models import Organization
from schools.selectors import memberships_of, organization_get


@login_required
def home(request):
    """A to-do page: a panel for each role the person holds (schools.home), then their memberships."""
    context = {
        "panels": home_panels(request.user),
        "memberships": memberships_of(request.user),
        "access": access_for(request.user),
    }
    return render(request, "schools/home.html", context)


@login_required
def organization_list(request):
    queryset = Organization.objects.for_user(request.user).select_related("municipality")
    filterset = OrganizationFilter(request.GET or None, queryset=queryset, user=request.user)
    organizations = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(organizations, 50).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "total": page.paginator.count}
    template = "schools/partials/organization_table.html" if request.htmx else "schools/organization_list.html"
    return render(request, template, context)


@login_required
def organization_detail(request, pk: int):
    organization = organization_get(user=request.user, pk=pk)
    members = organization.memberships.select_related("user").order_by("role")
    return render(
        request,
        "schools/organization_detail.html",
        {
            "organization": organization,
            "members": members,
            "can_see_members": access_for(request.user).can_edit_municipality(organization.municipality_id)
            or access_for(request.user).is_admin,
        },
    )
