"""Reads of the monitoring app, always scoped through `for_user`."""

from django.shortcuts import get_object_or_404

from monitoring.models import ResultImport, SchoolStat
from schools.access import access_for, enforce
from schools.models import Municipality

IMPORT_REFUSED = "Загружать результаты могут методисты и руководители управления образования"


def import_municipalities(user):
    """Methodists and officials import for their municipalities, administrators anywhere.
    Directors and viewers may not (403)."""
    enforce(access_for(user).works_for_authority, IMPORT_REFUSED)
    return Municipality.objects.managed_by(user)


def result_imports_for(user, *, problems: bool = False):
    """The imports the person sees; with `problems`, those waiting for them (`with_problems`)."""
    enforce(access_for(user).works_for_authority, IMPORT_REFUSED)
    imports = ResultImport.objects.for_user(user).select_related("municipality", "created_by", "job")
    return imports.with_problems() if problems else imports


def result_import_get(*, user, pk: int) -> ResultImport:
    return get_object_or_404(result_imports_for(user), pk=pk)


def school_stats_for(user, *, result_import: ResultImport):
    """Statistics of the schools and assessments an import wrote."""
    return (
        SchoolStat.objects.for_user(user)
        .filter(
            organization__municipality=result_import.municipality,
            assessment__kind=result_import.kind,
            assessment__year=result_import.year,
        )
        .select_related("assessment", "organization")
        .order_by("assessment__subject", "assessment__grade", "organization__code")
    )


def same_file_imports(result_import: ResultImport) -> list[ResultImport]:
    """Earlier uploads of the very same bytes (same checksum) in the municipality, whatever was
    chosen for them: said on the preview before anything is written, so that a file taken for
    another year or subject is noticed."""
    return list(
        ResultImport.objects.filter(municipality=result_import.municipality, checksum=result_import.checksum)
        .exclude(pk=result_import.pk)
        .exclude(status=ResultImport.Status.DUPLICATE)
        .select_related("created_by")
        .order_by("-created_at")[:5]
    )
