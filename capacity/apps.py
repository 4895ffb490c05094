from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"

    def ready(self):
        from backlog.actions import TaskAction, register
        from backlog.forms import VersionedForm
        from backlog.signals import Change, task_changed, tasks_created
        from capacity import services
        from capacity.forms import PlanForm
        from mopsboard.weeks import week_label

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

        # A week set or cleared through a door other than planning (an import, the demo,
        # deferring) keeps the task's plan in step, in the same transaction.
        def week_changed(sender, task, before, changes, **details):
            if Change.PLANNED in changes or (before and before.planned_week != task.planned_week):
                services.plan_follows_week(tasks=[task])

        def imported(sender, tasks, **details):
            services.plan_follows_week(tasks=[task for task in tasks if task.planned_week])

        task_changed.connect(week_changed, weak=False, dispatch_uid="capacity.plan")
        tasks_created.connect(imported, weak=False, dispatch_uid="capacity.plan-imported")
