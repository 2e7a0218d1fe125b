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
