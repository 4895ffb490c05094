from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"

    def ready(self):
        from backlog.filters import GOAL_FILTERS
        from capacity.agenda import MORE_HEADINGS
        from goals.agenda import review_headings
        from goals.filters import goal_choices, serving_goal

        # The board's "Goal" filter is the goals' rule, kept beside it.
        GOAL_FILTERS.update(choices=goal_choices, tasks=serving_goal)
        # The weekly review's agenda names the goals at risk and the check-ins due: part of
        # the figures a recorded review keeps, so capacity asks for them as it draws them up.
        MORE_HEADINGS["goals"] = review_headings
