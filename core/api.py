"""Base viewset for the API: scope through visible_to(), object permission by the same function."""

from rest_framework import permissions, viewsets

from core import scoping


class ScopedPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.is_authenticated and scoping.has_any(request.user, view.permission)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details answer only what the caller may see; others get an empty list or 404."""

    permission = ""
    permission_classes = [ScopedPermission]

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user, self.permission)
