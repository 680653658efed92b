"""Read-only admin views of applications (changes go through the services and their events)."""

from django.contrib import admin

from .models import InfoRequest, InfoRequestEvent, Letter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = InfoRequestEvent
    fields = ["on", "kind", "actor", "created_at", "payload"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InfoRequest)
class InfoRequestAdmin(ReadOnlyAdmin):
    # No applicant fields here: personal data stays on the case page for the agency's own staff.
    list_display = ["tracking_number", "agency", "channel", "received_on", "status", "due_on",
                    "outcome", "replied_on"]  # fmt: skip
    list_filter = ["status", "channel", "applicant_type", "outcome"]
    search_fields = ["tracking_number"]
    date_hierarchy = "received_on"
    exclude = ["access_code_hash"]
    inlines = [EventInline]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "number", "public", "created_at"]
    list_filter = ["kind", "public"]
