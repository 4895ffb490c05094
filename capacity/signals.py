"""A weekly review just recorded, told to the apps above capacity (webhooks) without
capacity importing them.

`review_recorded` is sent inside the transaction that records the review, once its
attendees are set, so whatever a receiver writes commits or rolls back with it.
Arguments: `review` and `by` (the user who recorded it).
"""

from django.dispatch import Signal

review_recorded = Signal()
