from django.conf import settings


def platform(request):
    return {"MAP_TILE_URL": settings.MAP_TILE_URL}
