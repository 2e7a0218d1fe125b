from django import forms
from django.contrib import admin

from wangge.cases.models import Case, CaseEvent, Category


class SubclassInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 0
    fields = (
        "code",
        "name",
        "department_kind",
        "default_level",
        "on_spot",
        "limit_accept",
        "limit_sign",
        "limit_handle",
        "limit_verify",
        "is_active",
    )
    show_change_link = True


class CategoryForm(forms.ModelForm):
    """Time limits are working-time strings such as 1.5h or 3d; anything else is refused on its field."""

    class Meta:
        model = Category
        fields = (
            "code",
            "name",
            "name_en",
            "parent",
            "kind",
            "department_kind",
            "default_level",
            "on_spot",
            "evidence",
            "limit_accept",
            "limit_sign",
            "limit_handle",
            "limit_verify",
            "related",
            "is_active",
        )

    def clean(self):
        from wangge.workcalendar.calendar import parse_limit

        cleaned = super().clean()
        for stage in ("accept", "sign", "handle", "verify"):
            field = f"limit_{stage}"
            try:
                parse_limit(cleaned.get(field) or "")
            except forms.ValidationError as exc:
                self.add_error(field, exc.messages)
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = (
        "code",
        "name",
        "parent",
        "kind",
        "department_kind",
        "default_level",
        "on_spot",
        "limit_handle",
        "is_active",
    )
    list_filter = ("kind", "default_level", "on_spot", "is_active")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    inlines = [SubclassInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.parent_id is None else []


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("seq", "at", "action", "actor_name", "role", "from_status", "to_status", "opinion")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: a case moves only through the workflow (pages and API), never by editing rows."""

    list_display = ("number", "title", "category", "status", "level", "due_at", "created_at")
    list_filter = ("status", "source", "level", "is_urgent")
    search_fields = ("number", "title")
    date_hierarchy = "created_at"
    list_select_related = ("category",)
    inlines = [EventInline]
    exclude = ("contact_phone_encrypted", "idempotency_key")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
