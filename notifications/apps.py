from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from backlog.signals import task_changed
        from notifications.tasks import news_queue

        def tell(sender, signal, **change):
            news_queue(**change)

        # The backlog, capacity and RACI services send this inside their transaction, so
        # the job that tells the news commits or rolls back with the change.
        task_changed.connect(tell, weak=False, dispatch_uid="notifications.tell")
