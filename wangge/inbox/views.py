"""The inbox page: the user's messages, unread first; opening one marks it read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.inbox import selectors, services
from wangge.inbox.models import Message

LIMIT = 100


@login_required
def inbox(request):
    items = selectors.messages_for(request.user, limit=LIMIT)
    items.sort(key=lambda m: m.read_at is not None)  # stable: unread first, each part newest first
    unread = sum(1 for m in items if m.read_at is None)
    return render(request, "inbox/list.html", {"items": items, "unread": unread, "nav": "inbox"})


@login_required
@require_POST
def read_all(request):
    count = services.mark_read(user=request.user)
    if count:
        messages.success(request, _("All messages are marked as read."))
    return redirect("inbox:list")


@login_required
@require_POST
def open_message(request, message_id):
    message = get_object_or_404(Message, pk=message_id, user=request.user)
    services.mark_read(user=request.user, ids=[message.pk])
    if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts={request.get_host()}):
        return redirect(message.url)
    return redirect("inbox:list")
