from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportMixin, ImportExportModelAdmin

from config.lib.untrusted.admin_formats import GuardedImportMixin
from monitoring.models import Assessment, EgeMinScore, HeaderMapping, ResultImport, SchoolStat, StudentResult
from monitoring.resources import EgeMinScoreResource, SchoolStatResource


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "subject", "grade", "scale", "date"]
    list_filter = ["kind", "year", "scale"]
    search_fields = ["subject"]


@admin.register(EgeMinScore)
class EgeMinScoreAdmin(GuardedImportMixin, ImportExportModelAdmin):
    resource_classes = [EgeMinScoreResource]
    list_display = ["year", "subject", "min_score"]
    list_editable = ["min_score"]
    list_filter = ["year"]
    search_fields = ["subject"]


@admin.register(ResultImport)
class ResultImportAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "kind",
        "year",
        "status",
        "read_count",
        "imported_count",
        "rejected_count",
        "municipality",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "kind", "year", "municipality"]
    # The kept files are reached through the results pages, which check access and record the export
    # of personal data; never by the storage's own address (a signed link to the bucket).
    exclude = ["file", "rejected_file"]
    readonly_fields = [
        *(field.name for field in ResultImport._meta.fields if field.name not in {"file", "rejected_file"}),
        "kept_file",
        "rejected_rows",
    ]

    @admin.display(description="файл")
    def kept_file(self, obj):
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("results:import_file", args=[obj.pk]), obj.original_name)

    @admin.display(description="отклонённые строки")
    def rejected_rows(self, obj):
        if not obj.rejected_file:
            return "—"
        return format_html('<a href="{}">Скачать</a>', reverse("results:import_rejected", args=[obj.pk]))

    def has_add_permission(self, request):
        return False  # imports go through the results page or `import_results`, which validate them


@admin.register(SchoolStat)
class SchoolStatAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [SchoolStatResource]
    list_display = ["organization", "assessment", "source", "participants", "mark_2", "mark_3", "mark_4", "mark_5"]
    list_filter = ["source", "assessment__kind", "assessment__year"]
    list_select_related = ["organization", "assessment"]
    search_fields = ["organization__code", "organization__short_name"]


@admin.register(StudentResult)
class StudentResultAdmin(admin.ModelAdmin):
    list_display = ["participant_code", "assessment", "organization", "class_name", "primary_score", "mark"]
    list_filter = ["assessment__kind", "assessment__year"]
    list_select_related = ["organization", "assessment"]
    search_fields = ["participant_code", "organization__code"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(HeaderMapping)
class HeaderMappingAdmin(admin.ModelAdmin):
    list_display = ["municipality", "format", "header", "field", "created_by", "created_at"]
    list_filter = ["format", "municipality"]
    search_fields = ["header"]
