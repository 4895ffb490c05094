"""The backlog: requests, their impact/effort scores, quadrants, triage and the board."""
