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
    "raci",
    "system",
    "demo",
    "intake",
    "api",
    "import",
)


def history_context(by, *, via: str, **metadata):
    """Attribute the writes inside the block to the user `by` (None: the system),
    coming through `via` (one of VIA)."""
    if via not in VIA:
        raise ValueError(f"Unknown door {via!r}: one of {', '.join(VIA)}.")
    return pghistory.context(user=by.pk if by else None, via=via, **metadata)
