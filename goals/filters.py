"""The board's "Goal" filter: the goals to choose from, and the tasks serving one."""

from django.db.models import Q, QuerySet

from goals.models import Goal, Step


def goal_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Goal.objects.active().values_list("pk", "short_name")]


def serving_goal(tasks: QuerySet, goal_id: str) -> QuerySet:
    """The tasks serving the goal, directly or through one of its steps."""
    return tasks.filter(
        Q(pk__in=Goal.tasks.through.objects.filter(goal=goal_id).values("task"))
        | Q(pk__in=Step.tasks.through.objects.filter(step__goal=goal_id).values("task"))
    )
