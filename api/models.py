"""Personal API tokens: named, scoped, stored only as a hash, revocable."""

import functools
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from psycopg import sql

from mopsboard.permissions import permission_names_sql

# Recognisable in a leaked file or a secret scanner's rules.
TOKEN_PREFIX = "mops_"  # nosec B105 # the public prefix of every token, not a secret


def token_digest(key: str) -> str:
    """A token's SHA-256. A fast hash is enough: a token is 256 random bits, so there is
    nothing to guess, and one indexed lookup per request keeps the API fast (a password
    hasher would cost tens of milliseconds on every call)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Scope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read-write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)

    def holding(self, key: str):
        """The live token `key` opens, with its user and the user's permissions, if the
        user may still sign in. Every API call asks, so the query is written out: the ORM
        took longer to build it than PostgreSQL to answer it."""
        with connection.cursor() as cursor:
            cursor.execute(_holding_query(), [token_digest(key)])
            row = cursor.fetchone()
        if row is None:
            return None
        token_fields, user_fields = _holding_fields()
        split = len(token_fields)
        token = self.model.from_db(self.db, token_fields, row[:split])
        token.user = get_user_model().from_db(self.db, user_fields, row[split:-1])
        # Where mopsboard.permissions.PermissionsBackend reads them.
        token.user.permission_names = row[-1]
        return token


def _holding_fields() -> tuple[list[str], list[str]]:
    """The token's and its user's fields, in the order the query reads them."""
    return (
        [field.attname for field in ApiToken._meta.concrete_fields],
        [field.attname for field in get_user_model()._meta.concrete_fields],
    )


@functools.cache
def _holding_query() -> str:
    """The query `holding` runs, its tables and columns named from the models."""
    person = get_user_model()

    def columns(alias, model):
        return sql.SQL(", ").join(
            sql.Identifier(alias, field.column) for field in model._meta.concrete_fields
        )

    def column(alias, model, name):
        return sql.Identifier(alias, model._meta.get_field(name).column)

    return (
        sql.SQL(
            "SELECT {token}, {person}, {permissions} FROM {token_table} token "
            "JOIN {person_table} person ON {person_id} = {token_user} "
            "WHERE {digest} = %s AND {revoked_at} IS NULL AND {is_active}"
        )
        .format(
            token=columns("token", ApiToken),
            person=columns("person", person),
            permissions=sql.SQL(permission_names_sql(f"person.{person._meta.pk.column}")),
            token_table=sql.Identifier(ApiToken._meta.db_table),
            person_table=sql.Identifier(person._meta.db_table),
            person_id=column("person", person, person._meta.pk.name),
            token_user=column("token", ApiToken, "user"),
            digest=column("token", ApiToken, "digest"),
            revoked_at=column("token", ApiToken, "revoked_at"),
            is_active=column("person", person, "is_active"),
        )
        .as_string()
    )


class ApiToken(models.Model):
    """A person's token. It acts with their role: a viewer's token reads, whatever its scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=120, help_text="What it is for, e.g. CRM sync.")
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # The token itself is shown once, when it is made, and never stored.
    digest = models.CharField(max_length=64, unique=True)
    # Its first characters, so a person can tell their tokens apart on the page.
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("use_api", "Can create and revoke their own API tokens")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.READ_WRITE
