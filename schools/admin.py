from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

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
class OrganizationAdmin(ImportExportModelAdmin):
    # Registry workbook (format C) import with preview and per-row errors; a regional file names
    # each row's municipality in the «Муниципалитет» column.
    resource_classes = [OrganizationResource]
    list_display = ["short_name", "code", "kind", "municipality", "is_rural", "is_active"]
    list_filter = ["kind", "is_rural", "municipality"]
    search_fields = ["short_name", "full_name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "position"]
    list_filter = ["role", "organization__municipality"]
    search_fields = ["user__username", "user__last_name", "organization__short_name"]
    autocomplete_fields = ["user", "organization"]
