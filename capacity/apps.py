from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "capacity"

    def ready(self):
        from django.contrib.postgres.aggregates import StringAgg
        from django.db.models import CharField, OuterRef, Subquery
        from django.db.models.functions import Cast

        from backlog.actions import TaskAction, register
        from backlog.forms import VersionedForm
        from backlog.signals import Change, task_changed, tasks_created
        from backlog.views import CSV_MORE_COLUMNS
        from capacity import services
        from capacity.forms import CellMoveForm, PlanBeforeDueForm, PlanForm
        from capacity.load import overloads_if_responsible
        from capacity.models import PlannedHours
        from mopsboard.weeks import week_label
        from raci.services import RESPONSIBLE_CHECKS
        from raci.signals import change_undone

        def planned(task):
            return f"“{task.title}” is planned for {week_label(task.planned_week)}."

        # Planning is a task action like scoring or deferring, offered on every page that
        # acts on tasks; it lives here, beside the load it checks.
        register("plan", TaskAction(PlanForm, services.task_plan, planned))
        # The horizon's cells plan too: a task moved, or its span stretched, from a cell.
        register("shift", TaskAction(CellMoveForm, services.task_plan, planned))
        register(
            "plan-before-due",
            TaskAction(
                PlanBeforeDueForm,
                services.task_plan_before_due,
                lambda task: (
                    f"“{task.title}” is planned from {week_label(task.planned_week)}, "
                    f"before its due date ({task.due_date:%-d %B})."
                ),
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

        # A week set or cleared through a door other than planning (an import, the demo,
        # deferring) keeps the task's plan in step, in the same transaction. An undo's week
        # is not a new plan: the plan comes back from its history (undone, below).
        def week_changed(sender, task, before, changes, undoes=None, **details):
            if undoes:
                return
            if Change.PLANNED in changes or (before and before.planned_week != task.planned_week):
                services.plan_follows_week(tasks=[task])

        def undone(sender, task, change, **details):
            services.plan_restore(task=task, change=change)

        def imported(sender, tasks, **details):
            services.plan_follows_week(tasks=[task for task in tasks if task.planned_week])

        # The task CSV's planned_week is a plan's first week; these say the rest of it.
        plan = PlannedHours.objects.filter(task=OuterRef("pk")).order_by()
        CSV_MORE_COLUMNS["planned_until"] = Subquery(plan.order_by("-week").values("week")[:1])
        CSV_MORE_COLUMNS["planned_hours_by_week"] = Subquery(
            plan.values("task")
            .annotate(hours=StringAgg(Cast("hours", CharField()), delimiter="; ", ordering="week"))
            .values("hours")
        )

        task_changed.connect(week_changed, weak=False, dispatch_uid="capacity.plan")
        change_undone.connect(undone, weak=False, dispatch_uid="capacity.plan-undone")
        tasks_created.connect(imported, weak=False, dispatch_uid="capacity.plan-imported")
