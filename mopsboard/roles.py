"""The three roles — lead, member, viewer — as Django groups, kept in step with this file.

The groups are rewritten after every `migrate`, so a permission added here (or a model
added to an app) reaches every database without a hand-written data migration.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

LEAD, MEMBER, VIEWER = "lead", "member", "viewer"

# Permission codenames per role; "app.*" means every permission of that app. Every role
# has "api.use_api", to make and revoke its own API tokens: a token does only what its
# person's role allows, so a viewer's token reads and nothing more.
ROLE_PERMISSIONS = {
    LEAD: [
        "people.*",
        "backlog.*",
        "raci.*",
        "conversation.*",
        "capacity.*",
        "goals.*",
        "imports.*",
        "mail.*",
        "intake.*",
        "notifications.*",
        "api.*",
        "webhooks.*",
    ],
    MEMBER: [
        "backlog.view_task",
        "backlog.add_task",
        "backlog.change_task",
        "backlog.view_category",
        "people.view_person",
        "raci.view_assignment",
        "conversation.view_comment",
        "conversation.add_comment",
        "conversation.change_comment",
        "capacity.view_timeoff",
        "capacity.view_review",
        # Members check in on the goals they are Accountable for (goals.views).
        "goals.view_goal",
        "goals.add_checkin",
        "goals.change_checkin",
        "api.use_api",
    ],
    VIEWER: [
        "backlog.view_task",
        "backlog.view_category",
        "people.view_person",
        "raci.view_assignment",
        "conversation.view_comment",
        "capacity.view_timeoff",
        "capacity.view_review",
        "goals.view_goal",
        "api.use_api",
    ],
}


def _permissions(names: list[str]):
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_roles(**kwargs) -> None:
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(names))
