from django.contrib import admin

from wangge.notices.models import Notice, NoticeAttachment, NoticeRevision, PollQuestion


class RevisionInline(admin.TabularInline):
    model = NoticeRevision
    extra = 0
    fields = ("number", "title", "edited_by", "edited_at")
    readonly_fields = fields
    can_delete = False


class AttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ("name", "content_type", "size")
    readonly_fields = fields


class QuestionInline(admin.TabularInline):
    model = PollQuestion
    extra = 0
    fields = ("position", "text", "kind")
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "region", "publish_from", "publish_until", "revision")
    list_filter = ("kind",)
    search_fields = ("title",)
    raw_id_fields = ("region", "created_by")
    readonly_fields = ("title", "body", "region", "revision", "created_by")
    inlines = [RevisionInline, AttachmentInline, QuestionInline]

    def has_add_permission(self, request):
        return False  # published through the pages or the API (with their checks)
