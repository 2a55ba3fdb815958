from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from reports.models import ReportFile
from roadmaps.models import Order, OrderItem, OrderPerson, OrderRoadmap


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "roadmap", "order", "pages", "size", "created_by", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["roadmap", "order", "created_by"]
    # The file is given through the page that checks access, never by the storage's own address.
    exclude = ["file"]
    readonly_fields = ["download"]

    @admin.display(description="файл")
    def download(self, obj):
        if not obj.pk or not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("reports:file", args=[obj.pk]), obj.filename)


class OrderRoadmapInline(admin.TabularInline):
    model = OrderRoadmap
    extra = 0
    raw_id_fields = ["roadmap"]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0


class OrderPersonInline(admin.TabularInline):
    model = OrderPerson
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are prepared on the site (reports:order_create); the admin is for corrections."""

    list_display = ["__str__", "organization", "title", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]
    inlines = [OrderRoadmapInline, OrderItemInline, OrderPersonInline]
