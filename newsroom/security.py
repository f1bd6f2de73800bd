"""The Permissions-Policy header, which Django has no setting for."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Refuse the browser features no page uses (settings.PERMISSIONS_POLICY_DENIED) to every
    response and whatever it embeds. It sits outside the page cache, so hits carry it too."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
