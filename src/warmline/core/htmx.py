"""HTMX requests that end in a redirect (an expired session sent to the
sign-in page, say) must move the whole page, not swap the target page into a
table row: answer with HX-Redirect instead of a 302 that HTMX would follow."""

from django.http import HttpResponse


class HtmxRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") == "true" and response.status_code in (301, 302, 303, 307, 308):
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = response["Location"]
            return redirect
        return response
