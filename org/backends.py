from django.contrib.auth.backends import ModelBackend

from core import scoping


class ScopedPermissionBackend(ModelBackend):
    """Django's permission API answered from role assignments and the one scope function.

    `user.has_perm(p)` is true when any role assignment grants p; `user.has_perm(p, obj)` is
    true when obj lies inside the scope of those assignments. Superuser flags are not used.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if obj is None:
            return scoping.has_any(user_obj, perm)
        return scoping.obj_in_scope(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in scoping._grants(user_obj))

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active:
            return set()
        return set(scoping._grants(user_obj))
