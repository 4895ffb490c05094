"""Django's ModelBackend, reading a person's permissions with the person.

Every page and API call checks a permission, and each request has a fresh user object,
so the permissions are read on every request: the user's own and their groups' (their
role's) together, as an array column of the query that reads the user (from the session,
or with an API token), rather than in queries of their own.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, Value
from django.db.models.functions import Concat


def permission_names(user_id: str = "pk") -> ArraySubquery:
    """Every "app_label.codename" held, directly or through a group, by the user whose id
    is the outer query's `user_id` column: annotate the user's query with it."""
    user = OuterRef(OuterRef(user_id))
    direct = get_user_model().user_permissions.through.objects.filter(user_id=user)
    via_groups = Group.permissions.through.objects.filter(group__user=user)
    return ArraySubquery(
        Permission.objects.filter(
            Q(pk__in=direct.values("permission_id")) | Q(pk__in=via_groups.values("permission_id"))
        )
        .order_by()
        .values(dotted=Concat("content_type__app_label", Value("."), "codename"))
    )


class PermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(permission_names=permission_names())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """What ModelBackend answers (the user's and their groups' permissions, every
        permission for a superuser), kept on the user like Django's. Read with the user
        when it was (`permission_names`), else in one query."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = {
                    f"{app_label}.{codename}"
                    for app_label, codename in Permission.objects.values_list(
                        "content_type__app_label", "codename"
                    ).order_by()
                }
            elif hasattr(user_obj, "permission_names"):
                names = set(user_obj.permission_names)
            else:
                names = set(
                    get_user_model()
                    ._default_manager.filter(pk=user_obj.pk)
                    .values_list(permission_names(), flat=True)
                    .get()
                )
            user_obj._perm_cache = names
        return user_obj._perm_cache
