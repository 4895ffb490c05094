from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MopsboardConfig(AppConfig):
    """What every app shares: roles, rendering, exports, pagination, history context."""

    name = "mopsboard"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Registers the `any_of` lookup on every field.
        import mopsboard.lookups  # noqa: F401
        from mopsboard.middleware import session_seen_at_login
        from mopsboard.roles import sync_roles

        # Permissions are created by an earlier post_migrate receiver (auth's), so this
        # one is connected without a sender and runs after the last app has migrated.
        post_migrate.connect(sync_roles, dispatch_uid="mopsboard.sync_roles")
        user_logged_in.connect(session_seen_at_login, dispatch_uid="mopsboard.session_seen")
