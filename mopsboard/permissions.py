"""Django's ModelBackend, reading a person's permissions with the person.

Every page and API call checks a permission, and each request has a fresh user object,
so the permissions are read on every request: the user's own and their groups' (their
role's) together, as an array column of the query that reads the user (from the session,
or with an API token), rather than in queries of their own.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Func, TextField
from psycopg import sql

# Written out rather than built with the ORM: the query that reads the person (every
# request) carries it, and compiling the ORM's nested subqueries cost more than running them.
PERMISSION_NAMES = """
    ARRAY(
        SELECT content_type.app_label || '.' || permission.codename
        FROM auth_permission permission
        JOIN django_content_type content_type ON content_type.id = permission.content_type_id
        WHERE permission.id IN (
            SELECT permission_id FROM auth_user_user_permissions WHERE user_id = %(expressions)s
        ) OR permission.id IN (
            SELECT role.permission_id
            FROM auth_group_permissions role
            JOIN auth_user_groups membership ON membership.group_id = role.group_id
            WHERE membership.user_id = %(expressions)s
        )
    )
"""


def permission_names(user_id: str) -> Func:
    """Every "app_label.codename" held, directly or through a group (a role), by the user
    whose id is the field `user_id` of the query it annotates."""
    return Func(F(user_id), template=PERMISSION_NAMES, output_field=ArrayField(TextField()))


def permission_names_sql(user_id: str) -> str:
    """PERMISSION_NAMES for a query written out, of the user whose id is the SQL `user_id`."""
    return PERMISSION_NAMES % {"expressions": user_id}


USER_WITH_PERMISSIONS = (
    sql.SQL("SELECT person.*, {} AS permission_names FROM auth_user person WHERE person.id = %s")
    .format(sql.SQL(permission_names_sql("person.id")))
    .as_string()
)


class PermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user with their permissions. Every page asks, so the query is
        written out: the ORM took longer to build it than PostgreSQL to answer it."""
        found = get_user_model()._default_manager.raw(USER_WITH_PERMISSIONS, [user_id])
        user = next(iter(found), None)
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
                    .values_list(permission_names("pk"), flat=True)
                    .get()
                )
            user_obj._perm_cache = names
        return user_obj._perm_cache
