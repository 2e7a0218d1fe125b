from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts import selectors
from wangge.accounts.forms import LoginForm
from wangge.accounts.models import Role
from wangge.cases.selectors import work_counts


def root(request):
    return redirect("home" if request.user.is_authenticated else "accounts:login")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout_response(request, credentials, *args, **kwargs):
    """What a locked-out user sees (django-axes calls this)."""
    message = _("Too many failed attempts: this account is locked for a while. Try again later.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "errors": [{"field": "username", "message": message}]}, status=429)
    form = LoginForm(request)
    form.cleaned_data = {}  # an unbound form has none, and add_error needs it
    form.add_error(None, message)
    return render(request, "accounts/login.html", {"form": form}, status=429)


ROLE_INTROS = {
    Role.RESIDENT: gettext_lazy("Your grid and the people who serve it."),
    Role.MICRO_GRID_LIAISON: gettext_lazy("Your micro-grid: households, buildings and the grid worker you report to."),
    Role.GRID_WORKER: gettext_lazy(
        "Your grids at a glance: open the map to patrol, check a grid's card for its households."
    ),
    Role.GRID_CHIEF: gettext_lazy("The grids you lead and the people who serve them."),
    Role.COMMUNITY_STAFF: gettext_lazy("Your community's grids, micro-grids and staff."),
    Role.COMMAND_OPERATOR: gettext_lazy("The street's grid tree: locate any report on the map."),
    Role.DISPATCHER: gettext_lazy("The street's grid tree and departments: find where a case belongs."),
    Role.DUTY_CHIEF: gettext_lazy("The whole street on one screen: communities, grids and who is on duty."),
    Role.DEPARTMENT_STAFF: gettext_lazy("Your department's jurisdiction on the map."),
    Role.STREET_LEADER: gettext_lazy("Your street at a glance: communities, grids, households and staff."),
    Role.ADMIN: gettext_lazy("Administer the region tree, boundaries, users and roles."),
}


@login_required
def home(request):
    context = selectors.home_context(request.user)
    context["intro"] = ROLE_INTROS.get(context["role"], _("You have no role yet: ask an administrator."))
    context["nav"] = "home"
    context["work"] = work_counts(request.user)
    return render(request, "accounts/home.html", context)
