from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from wangge.accounts import views as account_views
from wangge.api import api

urlpatterns = [
    path("", account_views.root, name="root"),
    path("home/", account_views.home, name="home"),
    path("accounts/", include("wangge.accounts.urls")),
    path("regions/", include("wangge.regions.urls")),
    path("cases/", include("wangge.cases.urls")),
    path("inbox/", include("wangge.inbox.urls")),
    path("people/", include("wangge.people.urls")),
    path("dashboard/", include("wangge.dashboard.urls")),
    path("assessment/", include("wangge.assessment.urls")),
    path("party/", include("wangge.party.urls")),
    path("devices/", include("wangge.devices.urls")),
    path("services/", include("wangge.services.urls")),
    path("patrols/", include("wangge.patrols.urls")),
    path("notices/", include("wangge.notices.urls")),
    path("open311/v2/", include("wangge.open311.urls")),
    path("deliberation/", include("wangge.deliberation.urls")),
    path("mediation/", include("wangge.mediation.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
