from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "conversation"

    def ready(self):
        from backlog.selectors import HISTORY_EVENTS
        from conversation.models import comment_history

        # Comments are in the task's history, told as what was written, not as fields.
        HISTORY_EVENTS["conversation.CommentEvent"] = lambda events: [
            comment_history(event) for event in events
        ]
