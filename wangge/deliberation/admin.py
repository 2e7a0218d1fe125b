from django.contrib import admin

from wangge.deliberation.models import AgendaItem, Decision, Meeting, MinutesRevision, Participant, Topic, Vote


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "source", "status", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title",)
    raw_id_fields = ("community", "case", "raised_by", "reviewed_by")
    readonly_fields = ("status", "review_reason", "reviewed_by", "reviewed_at")

    def has_add_permission(self, request):
        return False  # raised through the pages or the API (with their checks)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ("kind", "name", "user", "votes", "attended_at")
    readonly_fields = fields


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "title", "topic")
    readonly_fields = fields


class MinutesInline(admin.TabularInline):
    model = MinutesRevision
    extra = 0
    fields = ("number", "text", "written_by", "signed_by", "signed_at")
    readonly_fields = fields
    can_delete = False


class VoteInline(admin.StackedInline):
    model = Vote
    extra = 0
    fields = ("question", "status", "eligible", "yes", "no", "abstain", "passed", "closed_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "place_kind", "place", "starts_at", "status")
    list_filter = ("place_kind", "status")
    search_fields = ("title", "place")
    raw_id_fields = ("community", "called_by")
    inlines = [ParticipantInline, AgendaInline, VoteInline, MinutesInline]

    def has_add_permission(self, request):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("text", "kind", "owner_name", "due_on", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("meeting", "topic", "owner", "case", "decided_by")
    readonly_fields = ("case", "status", "done_at")

    def has_add_permission(self, request):
        return False
