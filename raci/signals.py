"""An undo just done, told to the apps above the RACI that keep rows of their own about a
task (capacity's plan) without the RACI importing them.

`change_undone` is sent inside the undo's transaction, once the task's fields and RACI
cells are back, so whatever a receiver writes commits or rolls back with it. Arguments:
`task` (as it is now), `change` (the id of the history context undone), `by` and `via`.
"""

from django.dispatch import Signal

change_undone = Signal()
