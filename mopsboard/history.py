"""Who made a change, for the history the database triggers record (django-pghistory)."""

import pghistory


def history_context(by, **metadata):
    """Attribute the writes inside the block to the user `by` (None: the system)."""
    return pghistory.context(user=by.pk if by else None, **metadata)
