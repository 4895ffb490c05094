"""Django's ModelBackend, reading a person's permissions with the person.

Every page and API call checks a permission, and each request has a fresh user object,
so the permissions are read on every request: the user's own and their groups' (their
role's) together, as an array column of the query that reads the user (from the session,
or with an API token), rather than in queries of their own.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Func, TextField
from psycopg import sql


def _table(model) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


def _column(model, field: str) -> sql.Identifier:
    return sql.Identifier(model._meta.get_field(field).column)


@functools.cache
def _permission_names_template() -> str:
    """Every "app_label.codename" a user holds, directly or through a group, as an array;
    %(expressions)s stands for the user's id. Written out rather than built with the ORM:
    the query that reads the person (every request) carries it, and compiling the ORM's
    nested subqueries cost more than running them. The names come from the models."""
    user = get_user_model()
    held = user.user_permissions.through
    membership = user.groups.through
    granted = Group.permissions.through
    return (
        sql.SQL(
            """
    ARRAY(
        SELECT content_type.{app_label} || '.' || permission.{codename}
        FROM {permission} permission
        JOIN {content_type} content_type ON content_type.{content_type_id} = permission.{type}
        WHERE permission.{permission_id} IN (
            SELECT {held_permission} FROM {held} WHERE {held_user} = %(expressions)s
        ) OR permission.{permission_id} IN (
            SELECT role.{granted_permission}
            FROM {granted} role
            JOIN {membership} membership ON membership.{membership_group} = role.{granted_group}
            WHERE membership.{membership_user} = %(expressions)s
        )
    )
"""
        )
        .format(
            app_label=_column(ContentType, "app_label"),
            codename=_column(Permission, "codename"),
            permission=_table(Permission),
            content_type=_table(ContentType),
            content_type_id=_column(ContentType, "id"),
            type=_column(Permission, "content_type"),
            permission_id=_column(Permission, "id"),
            held_permission=_column(held, "permission"),
            held=_table(held),
            held_user=_column(held, user._meta.model_name),
            granted_permission=_column(granted, "permission"),
            granted=_table(granted),
            membership=_table(membership),
            membership_group=_column(membership, "group"),
            granted_group=_column(granted, "group"),
            membership_user=_column(membership, user._meta.model_name),
        )
        .as_string()
    )


def permission_names(user_id: str) -> Func:
    """Every "app_label.codename" held, directly or through a group (a role), by the user
    whose id is the field `user_id` of the query it annotates."""
    return Func(
        F(user_id), template=_permission_names_template(), output_field=ArrayField(TextField())
    )


def permission_names_sql(user_id: str) -> str:
    """The same for a query written out, of the user whose id is the SQL `user_id`."""
    return _permission_names_template() % {"expressions": user_id}


@functools.cache
def _user_with_permissions() -> str:
    """The user, their permissions, and as `person_id` the id of the team's Person linked
    to them (NULL when none): the menu offers My work to a user with a person, and asks
    no query of its own on every page. The Person is reached through the user's own
    reverse relation, so this module names no app above it."""
    user = get_user_model()
    person = user._meta.get_field("person")
    return (
        sql.SQL(
            "SELECT person.*, {} AS permission_names, "
            "(SELECT linked.{} FROM {} linked WHERE linked.{} = person.{}) AS person_id "
            "FROM {} person WHERE person.{} = %s"
        )
        .format(
            sql.SQL(permission_names_sql(f"person.{user._meta.pk.column}")),
            sql.Identifier(person.related_model._meta.pk.column),
            _table(person.related_model),
            sql.Identifier(person.field.column),
            sql.Identifier(user._meta.pk.column),
            _table(user),
            sql.Identifier(user._meta.pk.column),
        )
        .as_string()
    )


class PermissionsBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user with their permissions. Every page asks, so the query is
        written out: the ORM took longer to build it than PostgreSQL to answer it."""
        found = get_user_model()._default_manager.raw(_user_with_permissions(), [user_id])
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
