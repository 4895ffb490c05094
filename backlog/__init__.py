"""The backlog: requests, their impact/effort scores, quadrants, the actions on a task,
the triage inbox, the board, the deferred list and the CSV export."""
