"""What just happened to a goal, told to the apps above goals (webhooks) without goals
importing them.

Both are sent inside the transaction that made the change, so whatever a receiver writes
(a queued delivery) commits or rolls back with it.

`goal_checked_in`: check-ins recorded or corrected. Arguments: `goal`, `check_ins` (a
list: an import of a CSV records several at once), `by` (the user) and `via` (the door).

`goal_status_changed`: the goal's status (the lead's where they set one, else the
computed one) is not what it was before the change. Arguments: `progress` (the goal's
goals.progress.GoalProgress now), `before` (its status before), `by` (None for the
system) and `via`.
"""

from django.dispatch import Signal

goal_checked_in = Signal()
goal_status_changed = Signal()
