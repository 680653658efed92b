from django.contrib import admin

from .models import Agency, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "kind", "uscc", "org_code", "parent"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["name", "short_name", "uscc"]
    readonly_fields = ["org_code", "path"]
    raw_id_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name"]
    raw_id_fields = ["agency"]
    autocomplete_fields = ["user"]
