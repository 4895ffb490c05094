from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from backlog.signals import task_changed
        from notifications.services import task_news_tell

        def tell(sender, signal, **change):
            task_news_tell(**change)

        # The backlog, capacity and RACI services send this inside their transaction, so
        # the news and its email commit or roll back with the change.
        task_changed.connect(tell, weak=False, dispatch_uid="notifications.tell")
