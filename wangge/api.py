"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

from wangge.accounts.api import router as auth_router
from wangge.accounts.api_auth import API_AUTH
from wangge.core import api_errors
from wangge.regions.api import router as regions_router

api = NinjaAPI(
    title="Wangge API",
    version="1",
    description="Party-building-led grid governance: regions and grids, cases, people, party work, notices.",
    auth=API_AUTH,
    urls_namespace="api",
)
api_errors.install(api)
api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/", "wangge.cases.api.router")
api.add_router("/dashboard", "wangge.dashboard.api.router")
api.add_router("/assessment", "wangge.assessment.api.router")
api.add_router("/", "wangge.people.api.router")
api.add_router("/party", "wangge.party.api.router")
api.add_router("/", "wangge.devices.api.router")
api.add_router("/", "wangge.services.api.router")
api.add_router("/patrols", "wangge.patrols.api.router")
api.add_router("/visits", "wangge.patrols.api.visits_router")
api.add_router("/vehicles", "wangge.patrols.api.vehicles_router")
api.add_router("/trips", "wangge.patrols.api.trips_router")
api.add_router("/notices", "wangge.notices.api.router")
api.add_router("/topics", "wangge.deliberation.api.topics_router")
api.add_router("/meetings", "wangge.deliberation.api.meetings_router")
api.add_router("/disputes", "wangge.mediation.api.router")
api.add_router("/webhooks", "wangge.webhooks.api.router")
api.add_router("/hotline", "wangge.hotline.api.router")
