from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "goals"

    def ready(self):
        from backlog.actions import TaskAction, register
        from backlog.filters import GOAL_FILTERS
        from backlog.selectors import HISTORY_EVENTS
        from capacity.agenda import MORE_HEADINGS
        from goals import selectors, services
        from goals.agenda import review_headings
        from goals.filters import goal_choices, serving_goal
        from goals.forms import GoalLinkForm, SuggestionForm

        # The board's and triage's "Goal" filter is the goals' rule, kept beside it.
        GOAL_FILTERS.update(choices=goal_choices, tasks=serving_goal)
        # The weekly review's agenda names the goals at risk and the check-ins due: part of
        # the figures a recorded review keeps, so capacity asks for them as it draws them up.
        MORE_HEADINGS["goals"] = review_headings
        # Linking to a goal is a task action like scoring, so triage and the board's card
        # menu link through task_act; the goal picker fills in its form.
        register(
            "link-goal",
            TaskAction(
                GoalLinkForm,
                services.task_goal_link,
                lambda task: f"“{task.title}” now serves {selectors.goal_names([task])[task.pk]}.",
            ),
        )
        register(
            "reject-goal",
            TaskAction(
                SuggestionForm,
                services.goal_suggestion_reject,
                lambda task: f"“{task.title}”: the goal its requester suggested is set aside.",
            ),
        )
        # A link made or undone is in the task's history, named.
        HISTORY_EVENTS["goals.GoalTaskEvent"] = selectors.link_history
        HISTORY_EVENTS["goals.StepTaskEvent"] = selectors.link_history
