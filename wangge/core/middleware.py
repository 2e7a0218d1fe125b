from urllib.parse import urlsplit

from django.conf import settings

from wangge.core import request_context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set_current(
            request_context.RequestContext(
                ip=request_context.client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
                path=request.path[:255],
            )
        )
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


def content_security_policy() -> str:
    """Scripts, styles, fonts and data from this site only; images also from the map tile server.

    Styles allow inline ``style`` attributes (Leaflet, Bootstrap utilities and a few templates set them);
    scripts never run inline: pages bind behaviour from static files (``wangge/app.js``)."""
    images = ["'self'", "data:", "blob:"]
    tiles = urlsplit(getattr(settings, "MAP_TILE_URL", "") or "")
    if tiles.scheme in ("http", "https") and tiles.netloc:
        images.append(f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every answer, and ``Cache-Control: no-store`` on whatever a signed-in
    user or a bearer token receives (personal data must not stay in a shared browser's or proxy's cache),
    unless the view chose its own caching (photos)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        if self.personal(request) and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def personal(request) -> bool:
        if request.path.startswith("/api/"):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
