from django.contrib import admin

from reports.models import ReportFile
from roadmaps.models import Order, OrderItem, OrderPerson, OrderRoadmap


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "roadmap", "order", "pages", "size", "created_by", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["roadmap", "order", "created_by"]


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
