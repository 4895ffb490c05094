"""A comment shared with the other side, told to the apps above (notifications) without
this app knowing them. Sent inside the transaction that wrote it, so what a receiver
queues commits or rolls back with the comment. Arguments: `comment`."""

from django.dispatch import Signal

comment_shared = Signal()
