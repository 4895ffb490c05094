"""Capacity: people's weekly hours and time off, the load planned work puts on them, and
the weekly capacity review.

Its own app because it answers a question neither the backlog nor the RACI does — does
the planned work fit the hours we have? — from both: tasks' estimates and weeks
(backlog) and who is Responsible for them (raci).
"""
