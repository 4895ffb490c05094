from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"

    def ready(self):
        from backlog.filters import GOAL_FILTERS
        from goals.filters import goal_choices, serving_goal

        # The board's "Goal" filter is the goals' rule, kept beside it.
        GOAL_FILTERS.update(choices=goal_choices, tasks=serving_goal)
