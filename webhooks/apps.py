from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        from backlog.signals import Change, task_changed, tasks_created
        from capacity.signals import review_recorded
        from goals.signals import goal_checked_in, goal_status_changed
        from mopsboard.backups import jobs_dropped
        from webhooks.services import (
            deliveries_fail_dropped,
            goal_checked_in_queue,
            goal_status_changed_queue,
            review_events_queue,
            task_events_queue,
        )

        def task_events(sender, signal, *, task, changes, **change):
            task_events_queue(tasks=[task], changes=changes)

        def tasks_made(sender, signal, *, tasks, **made):
            task_events_queue(tasks=tasks, changes=[Change.CREATED])

        def review_event(sender, signal, *, review, **recorded):
            review_events_queue(review=review)

        def checked_in(sender, signal, *, goal, check_ins, **recorded):
            goal_checked_in_queue(goal=goal, check_ins=check_ins)

        def goal_status(sender, signal, *, progress, before, **changed):
            goal_status_changed_queue(goal=progress.goal, before=before)

        def fail_dropped(sender, signal, *, job_ids, **dropped):
            deliveries_fail_dropped(job_ids=job_ids)

        # All are sent inside the change's transaction: a delivery is queued with the
        # change, and a rolled-back change sends nothing.
        task_changed.connect(task_events, weak=False, dispatch_uid="webhooks.task_events")
        tasks_created.connect(tasks_made, weak=False, dispatch_uid="webhooks.tasks_made")
        review_recorded.connect(review_event, weak=False, dispatch_uid="webhooks.review_event")
        goal_checked_in.connect(checked_in, weak=False, dispatch_uid="webhooks.goal_checked_in")
        goal_status_changed.connect(
            goal_status, weak=False, dispatch_uid="webhooks.goal_status_changed"
        )
        jobs_dropped.connect(fail_dropped, weak=False, dispatch_uid="webhooks.fail_dropped")
