"""Django's ModelBackend, reading a person's permissions in one query rather than two.

Every page and API call checks a permission, and each request has a fresh user object,
so the permissions are read on every request: the user's own and their groups' (their
role's) together, in one query.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class PermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        """What ModelBackend answers (the user's and their groups' permissions, every
        permission for a superuser), read in one query, kept on the user like Django's."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
