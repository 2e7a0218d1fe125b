from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from wangge.cases import suggester
from wangge.cases.models import Case, CaseEvent, Category, CategoryCorrection, SuggesterTraining
from wangge.cases.tasks import retrain_suggester_now
from wangge.workcalendar.calendar import parse_limit


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
        "public",
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
            "public",
            "is_active",
        )

    def clean(self):
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
        "public",
        "is_active",
    )
    list_filter = ("kind", "default_level", "on_spot", "public", "is_active")
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


# --- the category suggester's learning ------------------------------------------------------------------


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


@admin.register(SuggesterTraining)
class SuggesterTrainingAdmin(admin.ModelAdmin):
    """Every training run with its held-out accuracy before and after; "Retrain now" queues one."""

    list_display = ("created_at", "trigger", "status", "top1", "top3", "corrections", "examples", "reason")
    list_filter = ("status", "trigger")
    fields = (
        "created_at",
        "trigger",
        "requested_by",
        "status",
        "reason",
        "by_register",
        "examples",
        "corrections",
        "seconds",
    )
    readonly_fields = fields
    change_list_template = "admin/cases/suggestertraining/change_list.html"

    @admin.display(description=_("top-1 before → after"))
    def top1(self, run):
        return f"{_percent(run.before.get('all', {}).get('top1'))} → {_percent(run.after.get('all', {}).get('top1'))}"

    @admin.display(description=_("top-3 before → after"))
    def top3(self, run):
        return f"{_percent(run.before.get('all', {}).get('top3'))} → {_percent(run.after.get('all', {}).get('top3'))}"

    @admin.display(description=_("held-out accuracy by register"))
    def by_register(self, run):
        names = {
            "all": _("all"),
            "resident": _("residents' messages"),
            "grid": _("grid workers' notes"),
            "hotline": _("hotline summaries"),
        }
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    names[group],
                    run.after.get(group, {}).get("n", ""),
                    _percent(run.before.get(group, {}).get("top1")),
                    _percent(run.after.get(group, {}).get("top1")),
                    _percent(run.before.get(group, {}).get("top3")),
                    _percent(run.after.get(group, {}).get("top3")),
                )
                for group in names
            ),
        )
        head = format_html(
            "<tr><th></th><th>n</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("top-1 before"),
            _("top-1 after"),
            _("top-3 before"),
            _("top-3 after"),
        )
        return format_html('<table data-testid="by-register">{}{}</table>', head, rows)

    def get_urls(self):
        retrain = self.admin_site.admin_view(self.retrain_view)
        return [path("retrain/", retrain, name="cases_suggestertraining_retrain"), *super().get_urls()]

    def retrain_view(self, request):
        if request.method != "POST" or not request.user.has_perm("cases.add_suggestertraining"):
            raise PermissionDenied
        retrain_suggester_now(request.user.pk)
        self.message_user(
            request, _("Retraining started: its result appears in this list when it is done (about a minute).")
        )
        return redirect("admin:cases_suggestertraining_changelist")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CategoryCorrection)
class CategoryCorrectionAdmin(admin.ModelAdmin):
    """Operators' category corrections, the suggester's training data; a wrong one can be left out."""

    list_display = ("case", "from_category", "to_category", "corrected_by", "corrected_at", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("case", "from_category", "to_category", "corrected_by")
    readonly_fields = ("case", "from_category", "to_category", "corrected_by", "corrected_at", "is_active")
    actions = ("leave_out", "use")

    @admin.action(description=_("Leave out of training"))
    def leave_out(self, request, queryset):
        changed = suggester.set_corrections_in_use(actor=request.user, corrections=queryset, in_use=False)
        self.message_user(request, _("%(n)d corrections left out of training.") % {"n": changed})

    @admin.action(description=_("Use for training"))
    def use(self, request, queryset):
        changed = suggester.set_corrections_in_use(actor=request.user, corrections=queryset, in_use=True)
        self.message_user(request, _("%(n)d corrections used for training.") % {"n": changed})

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
