from django.contrib import admin

from .models import WorkdayOverride


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "region", "note", "updated_at"]
    list_filter = ["kind", "region"]
    date_hierarchy = "day"
    search_fields = ["note"]

    def save_model(self, request, obj, form, change):
        if not obj.created_by_id:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
