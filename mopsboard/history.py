"""Who made a change and through which door, for the history the database triggers
record (django-pghistory)."""

import pghistory

# The doors a change comes through, as the history records them.
VIA = (
    "board",
    "triage",
    "task",
    "review",
    "plan",
    "my-work",
    "goals",
    "raci",
    "system",
    "demo",
    "intake",
    "api",
    "import",
)
# The doors whose pages offer to undo an undoable task action just made (the message
# that says it was done; backlog.actions.task_act).
UNDO_DOORS = ("board", "triage", "task", "raci")


def history_context(by, *, via: str, **metadata):
    """Attribute the writes inside the block to the user `by` (None: the system),
    coming through `via` (one of VIA).

    Entered, it gives the change the block belongs to: its `id` is on every history
    event written inside the outermost block (a request's, under pghistory's middleware),
    which is how an undo finds what one change did. A page that offers to undo the change
    records `offers_undo=True`: only such a change can be undone, and only its news waits
    for that."""
    if via not in VIA:
        raise ValueError(f"Unknown door {via!r}: one of {', '.join(VIA)}.")
    return pghistory.context(user=by.pk if by else None, via=via, **metadata)


def current_change():
    """The change the writes around are recorded under (id and metadata): pghistory
    groups everything inside the outermost `pghistory.context` under one."""
    with pghistory.context() as change:
        return change
