from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"

    def ready(self):
        from backlog.actions import TaskAction, register
        from backlog.forms import VersionedForm
        from capacity import services
        from capacity.forms import PlanForm
        from capacity.load import overloads_if_responsible
        from mopsboard.weeks import week_label
        from raci.services import RESPONSIBLE_CHECKS

        # Planning is a task action like scoring or deferring, offered on every page that
        # acts on tasks; it lives here, beside the load it checks.
        register(
            "plan",
            TaskAction(
                PlanForm,
                services.task_plan,
                lambda task: f"“{task.title}” is planned for {week_label(task.planned_week)}.",
            ),
        )
        register(
            "unplan",
            TaskAction(
                VersionedForm,
                services.task_unplan,
                lambda task: f"“{task.title}” is back in the backlog, unplanned.",
            ),
        )
        # Whoever is made Responsible from a task's page is checked as planning checks.
        RESPONSIBLE_CHECKS["capacity"] = overloads_if_responsible
