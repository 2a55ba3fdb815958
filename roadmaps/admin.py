from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin  # noqa: F401  (used by roadmap admins)

from config.lib.fragments import ROADMAPS, versions_bump
from roadmaps.models import (
    CycleStage,
    Direction,
    DirectionGroup,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    StageRequirement,
    StageRule,
    StepTemplate,
    Track,
)


@admin.register(CycleStage, DirectionGroup, EvidenceKind, ExecutorKind)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "order"]
    search_fields = ["code", "title"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "group", "is_federal", "order"]
    list_filter = ["group", "is_federal"]
    search_fields = ["code", "title"]
    inlines = [TrackInline]


class StepTemplateInline(admin.StackedInline):
    model = StepTemplate
    extra = 0
    filter_horizontal = ["executor_kinds", "evidence_kinds"]


class StageRequirementForm(forms.ModelForm):
    """The sources as ticks, not as JSON: any one of the ticked sources meets the requirement."""

    sources = forms.MultipleChoiceField(
        label="чем подтверждается (любое из)",
        choices=StageRequirement.Source.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = StageRequirement
        fields = ["order", "sources", "evidence_kinds"]


class StageRequirementInline(admin.StackedInline):
    model = StageRequirement
    form = StageRequirementForm
    extra = 0
    filter_horizontal = ["evidence_kinds"]


@admin.register(StageRule)
class StageRuleAdmin(admin.ModelAdmin):
    """Правила самооценки: what shows each stage of the management cycle, and the scale (0 / частично /
    полностью). The self-assessment page prints them in words and scores by them at once."""

    list_display = ["stage", "points_partial", "points_full"]
    inlines = [StageRequirementInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        versions_bump(ROADMAPS)  # kept self-assessments are scored afresh by the edited rule

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions_bump(ROADMAPS)


@admin.register(FunctionType)
class FunctionTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "order"]
    inlines = [StepTemplateInline]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "direction", "order"]
    list_filter = ["direction"]
    search_fields = ["title"]


# --- Execution (issue 4): notifications, read-only for support ---------------------------------
from roadmaps.models import Notification  # noqa: E402


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "text"]
    raw_id_fields = ["recipient", "assignment"]
    readonly_fields = ["dedupe_key", "created_at"]


from roadmaps.models import NotificationPreference  # noqa: E402


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each person sets these on «Настройки уведомлений»; support may look, and correct."""

    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


# Roadmaps are written only through roadmaps.services (pages); the admin shows them and their history.
from simple_history.admin import SimpleHistoryAdmin as HistoryAdmin  # noqa: E402

from roadmaps.models import Roadmap  # noqa: E402


@admin.register(Roadmap)
class RoadmapAdmin(HistoryAdmin):
    list_display = ["title", "owner", "period_start", "period_end", "version", "status", "approval_order"]
    list_filter = ["status", "level"]
    search_fields = ["title", "owner__short_name"]
    list_select_related = ["owner", "approval_order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
