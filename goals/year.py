"""Each goal's part of the year in review: its target against what it achieved by the
year's end, the hours the team put into it and the tasks it finished that year."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from backlog.models import Status, Task, estimate_expression
from capacity.year import first_done_at, year_bounds
from goals.models import CheckIn, Goal, Step


@dataclass
class GoalYear:
    goal: Goal
    # The KPI's last check-in by the year's end, if any.
    achieved: CheckIn | None = None
    # The tasks serving the goal that were done in the year (as the year counts done).
    done: list[Task] = field(default_factory=list)

    @property
    def achieved_label(self) -> str:
        return self.goal.format_value(self.achieved.value if self.achieved else None)

    @property
    def met(self) -> bool:
        return self.achieved is not None and self.goal.meets(self.achieved.value)

    @property
    def hours_done(self) -> Decimal:
        return sum((task.hours for task in self.done), Decimal(0))


def goals_of_year(year: int) -> list[GoalYear]:
    """The goals that ran during `year` (from the baseline's date to the deadline, archived
    ones too), soonest deadline first, in four queries however many goals and tasks."""
    start, end = year_bounds(year)
    goals = list(
        Goal.objects.filter(baseline_date__lt=end.date(), deadline__gte=start.date())
        .select_related("owner")
        .order_by("deadline", "title")
    )
    rows = {goal.pk: GoalYear(goal) for goal in goals}
    for check_in in (
        CheckIn.objects.filter(goal__in=list(rows), on__lt=end.date())
        .order_by("goal_id", "-on")
        .distinct("goal_id")
    ):
        rows[check_in.goal_id].achieved = check_in
    serving = defaultdict(set)
    for goal_id, task_id in (
        Goal.tasks.through.objects.filter(goal__in=list(rows))
        .values_list("goal_id", "task_id")
        .union(
            Step.tasks.through.objects.filter(step__goal__in=list(rows)).values_list(
                "step__goal_id", "task_id"
            )
        )
    ):
        serving[task_id].add(goal_id)
    done = (
        Task.objects.filter(pk__in=list(serving), status=Status.DONE)
        .annotate(done_at=first_done_at(), hours=estimate_expression())
        .filter(done_at__gte=start, done_at__lt=end)
        .only("title", "status")
        .order_by("done_at", "pk")
    )
    for task in done:
        for goal_id in serving[task.pk]:
            rows[goal_id].done.append(task)
    return list(rows.values())
