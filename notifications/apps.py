from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from backlog.signals import task_changed
        from conversation.signals import comment_shared
        from imports.signals import import_written
        from notifications.tasks import news_queue, tell_comment, tell_import

        def tell(sender, signal, **change):
            news_queue(**change)

        # The backlog, capacity and RACI services send this inside their transaction, so
        # the job that tells the news commits or rolls back with the change.
        task_changed.connect(tell, weak=False, dispatch_uid="notifications.tell")

        def tell_shared(sender, signal, comment, **kwargs):
            tell_comment.defer(comment_id=comment.pk)

        # Likewise a shared comment, sent in the transaction that writes it.
        comment_shared.connect(tell_shared, weak=False, dispatch_uid="notifications.comment")

        def tell_imported(sender, signal, imp, **kwargs):
            tell_import.defer(import_id=imp.pk)

        # An import writes its roles in one INSERT, with no task_changed for each: its news
        # is one job for the whole import, queued once the import has committed.
        import_written.connect(tell_imported, weak=False, dispatch_uid="notifications.import")
