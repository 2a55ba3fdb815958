from django.shortcuts import get_object_or_404

from schools.models import Membership, Organization


def organization_get(*, user, pk: int) -> Organization:
    """The organisation if the person may see it; 404 otherwise."""
    return get_object_or_404(Organization.objects.for_user(user).select_related("municipality"), pk=pk)


def memberships_of(user):
    return Membership.objects.filter(user=user).select_related("organization__municipality").order_by("role")
