from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from config.audit.services import audit_record
from config.lib.untrusted.admin_formats import GuardedImportMixin
from schools.models import Membership, Municipality, Organization
from schools.resources import OrganizationResource


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name", "region"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(GuardedImportMixin, ImportExportModelAdmin):
    # Registry workbook (format C) import with preview and per-row errors; a regional file names
    # each row's municipality in the «Муниципалитет» column.
    resource_classes = [OrganizationResource]

    def save_formset(self, request, form, formset, change):
        """Roles given or taken in the organisation's inline are permission changes too."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(
                action="permission_change", user=request.user, obj=obj, request=request,
                detail={"user": obj.user.get_username(), "role": obj.role, "change": "удалено"},
            )  # fmt: skip
            obj.delete()
        for obj in instances:
            obj.save()
            audit_record(
                action="permission_change", user=request.user, obj=obj, request=request,
                detail={"user": obj.user.get_username(), "role": obj.role, "organization": obj.organization_id},
            )  # fmt: skip
        formset.save_m2m()

    list_display = ["short_name", "code", "kind", "municipality", "is_rural", "is_active"]
    list_filter = ["kind", "is_rural", "municipality"]
    search_fields = ["short_name", "full_name", "code"]
    inlines = [MembershipInline]


class AuditedMembershipMixin:
    """Every change of a person's role is a permission change: it goes to the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action="permission_change", user=request.user, obj=obj, request=request,
            detail={"user": obj.user.get_username(), "role": obj.role, "organization": obj.organization_id,
                    "change": "изменено" if change else "добавлено"},
        )  # fmt: skip

    def delete_model(self, request, obj):
        audit_record(
            action="permission_change", user=request.user, obj=obj, request=request,
            detail={"user": obj.user.get_username(), "role": obj.role, "change": "удалено"},
        )  # fmt: skip
        super().delete_model(request, obj)


@admin.register(Membership)
class MembershipAdmin(AuditedMembershipMixin, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "position"]
    list_filter = ["role", "organization__municipality"]
    search_fields = ["user__username", "user__last_name", "organization__short_name"]
    autocomplete_fields = ["user", "organization"]
