"""Pages of deliberation, phone first: the community's topics, meetings and decisions for everyone in it;
raising a topic (also one step from a case's page); reviewing topics, calling and running meetings (votes,
minutes, decisions, follow-up) for staff of the community. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wangge.cases import selectors as case_selectors
from wangge.core.errors import Conflict
from wangge.deliberation import forms, selectors, services
from wangge.deliberation.models import DecisionStatus, Topic, TopicStatus

LIST_SIZE = 30


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"nav": "deliberation", **context}, status=status)


@login_required
@require_GET
def index(request):
    user = request.user
    topics = selectors.topics_for(user).order_by("-created_at", "-id")[:LIST_SIZE]
    meetings = selectors.meetings_for(user).order_by("-starts_at", "-id")[:LIST_SIZE]
    decisions = selectors.decisions_for(user).order_by("status", "due_on", "id")[:LIST_SIZE]
    return _page(
        request,
        "deliberation/index.html",
        {
            "topics": topics,
            "meetings": meetings,
            "decisions": decisions,
            "may_manage": selectors.may_manage(user),
            "may_raise": bool(selectors.communities_for(user)),
        },
    )


@login_required
def topic_new(request):
    communities = selectors.communities_for(request.user)
    if not communities:
        raise PermissionDenied(_("You belong to no community."))
    case_number = request.GET.get("case", "") if request.method == "GET" else request.POST.get("case", "")
    initial = {"case": case_number}
    if case_number:
        from_case = case_selectors.get_case_for(request.user, case_number)
        initial.update(title=from_case.title[:120], description=from_case.description[:5000])
        initial["community"] = next((r.code for r in communities if from_case.region.path.startswith(r.path)), "")
    form = forms.TopicForm(request.POST or None, initial=initial, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.raise_topic(
                actor=request.user,
                community=data["community"],
                title=data["title"],
                description=data["description"],
                case_number=data["case"],
            )
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The topic is raised; the community will accept or decline it."))
            return redirect("deliberation:topic", pk=topic.pk)
    status = 400 if form.errors else 200
    return _page(request, "deliberation/topic_form.html", {"form": form, "case_number": case_number}, status=status)


@login_required
@require_GET
def topic_detail(request, pk: int):
    topic = selectors.get_topic_for(request.user, pk)
    return _topic(request, topic, forms.ReviewForm())


def _topic(request, topic: Topic, review_form, status: int = 200):
    may_review = topic.status == TopicStatus.PROPOSED and selectors.may_manage(request.user, topic.community)
    decisions = selectors.decisions_for(request.user).filter(topic=topic).prefetch_related("follow_ups")
    return _page(
        request,
        "deliberation/topic.html",
        {"topic": topic, "review_form": review_form if may_review else None, "decisions": decisions},
        status=status,
    )


@login_required
@require_POST
def topic_review(request, pk: int):
    topic = selectors.get_topic_for(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_topic(
                actor=request.user, topic=topic, accept=form.cleaned_data["accept"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
            return _topic(request, topic, form, status=409)
        else:
            messages.success(request, _("The topic is reviewed."))
            return redirect("deliberation:topic", pk=topic.pk)
    return _topic(request, topic, form, status=400)


@login_required
def meeting_new(request):
    communities = [c for c in selectors.communities_for(request.user) if selectors.may_manage(request.user, c)]
    if not communities:
        raise PermissionDenied(_("Only community staff call meetings."))
    topics = selectors.topics_for(request.user).filter(status=TopicStatus.ACCEPTED).order_by("-created_at")[:100]
    form = forms.MeetingForm(request.POST or None, communities=communities, topics=topics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitees = []
        if data["property_company"]:
            invitees.append(services.Invitee("property", data["property_company"]))
        invitees += [services.Invitee("party_member", n) for n in forms.lines(data["party_members"])]
        invitees += [services.Invitee("unit", n) for n in forms.lines(data["units"])]
        draft = services.MeetingDraft(
            community=data["community"],
            title=data["title"],
            place_kind=data["place_kind"],
            place=data["place"],
            starts_at=data["starts_at"],
            invite_residents=data["invite_residents"],
            participants=invitees,
            topics=[int(t) for t in data["topics"]],
            agenda=forms.lines(data["agenda"]),
        )
        try:
            meeting = services.call_meeting(actor=request.user, draft=draft)
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting is called; its participants are told."))
            return redirect("deliberation:meeting", pk=meeting.pk)
    status = 400 if form.errors else 200
    return _page(request, "deliberation/meeting_form.html", {"form": form}, status=status)


@login_required
@require_GET
def meeting_detail(request, pk: int):
    return _meeting(request, selectors.get_meeting_for(request.user, pk))


def _meeting(request, meeting, *, error: str = "", bound: dict | None = None, status: int = 200):
    meeting = selectors.meeting_detail(meeting)
    user = request.user
    manage = selectors.may_manage(user, meeting.community)
    participant = selectors.own_participant(user, meeting)
    vote = getattr(meeting, "vote", None)
    topics = [item.topic for item in meeting.agenda.all() if item.topic_id]
    bound = bound or {}
    return _page(
        request,
        "deliberation/meeting.html",
        {
            "meeting": meeting,
            "vote": vote,
            "participant": participant,
            "ballot": selectors.own_ballot(user, meeting),
            "minutes": list(meeting.minutes.all()),
            "current_minutes": selectors.current_minutes(meeting),
            "manage": manage,
            "error": error,
            "ballot_form": bound.get("vote") or forms.BallotForm(),
            "vote_form": bound.get("vote-open") or forms.VoteOpenForm(),
            "minutes_form": bound.get("minutes")
            or forms.MinutesForm(
                initial={"text": (selectors.current_minutes(meeting).text if meeting.minutes.all() else "")}
            ),
            "decision_form": bound.get("decide") or forms.DecisionForm(topics=topics),
            "follow_form": forms.FollowUpForm(),
            "open": DecisionStatus.OPEN,
        },
        status=status,
    )


FORMS = {
    "vote": forms.BallotForm,
    "vote-open": forms.VoteOpenForm,
    "minutes": forms.MinutesForm,
    "decide": forms.DecisionForm,
    "follow-up": forms.FollowUpForm,
}
ACTIONS = {"attend", "vote", "vote-open", "vote-close", "minutes", "sign", "decide", "follow-up"}


@login_required
@require_POST
def meeting_act(request, pk: int, action: str):
    meeting = selectors.get_meeting_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404("action")
    form = None
    if action in FORMS:
        kwargs = (
            {"topics": [i.topic for i in meeting.agenda.select_related("topic") if i.topic_id]}
            if action == "decide"
            else {}
        )
        form = FORMS[action](request.POST, **kwargs)
        if not form.is_valid():
            return _meeting(request, meeting, bound={action: form}, error=_("Check the form."), status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        _run(request, meeting, action, data)
    except ValidationError as exc:
        if form is not None:
            forms.apply_service_errors(form, exc)
        return _meeting(
            request, meeting, bound={action: form} if form else None, error=" ".join(exc.messages), status=400
        )
    except Conflict as exc:
        return _meeting(request, meeting, error=str(exc), status=409)
    messages.success(request, _("Saved."))
    return redirect("deliberation:meeting", pk=meeting.pk)


def _run(request, meeting, action: str, data: dict) -> None:
    user = request.user
    if action == "attend":
        participant = request.POST.get("participant", "")
        services.attend(actor=user, meeting=meeting, participant_id=int(participant) if participant.isdigit() else None)
    elif action == "vote":
        services.cast_ballot(actor=user, meeting=meeting, choice=data["choice"])
    elif action == "vote-open":
        services.open_vote(actor=user, meeting=meeting, question=data["question"])
    elif action == "vote-close":
        services.close_vote(actor=user, meeting=meeting)
    elif action == "minutes":
        services.write_minutes(actor=user, meeting=meeting, text=data["text"])
    elif action == "sign":
        services.sign_minutes(actor=user, meeting=meeting)
    elif action == "decide":
        draft = services.DecisionDraft(
            text=data["text"],
            kind=data["kind"],
            due_on=data["due_on"],
            owner_name=data["owner_name"],
            topic=data["topic"],
            category=data["category"],
        )
        services.record_decision(actor=user, meeting=meeting, draft=draft)
    elif action == "follow-up":
        number = request.POST.get("decision", "")
        decision = selectors.get_decision_for(user, number)
        if decision.meeting_id != meeting.pk:
            raise Http404("decision")
        services.follow_up(actor=user, decision=decision, note=data["note"], done=data["done"])
