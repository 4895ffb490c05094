"""What an import did, told to the apps above it (notifications) without imports knowing
them.

`import_written` is sent once an import's tasks and their RACI are committed, after the
write's one long transaction rather than inside it: a receiver's job then neither waits on
that transaction nor has to be rolled back with it. Argument: `imp`, the Import, done.
"""

from django.dispatch import Signal

import_written = Signal()
