"""Capacity: planning tasks into weeks, the load that puts on people against their hours
and time off, the weekly capacity review and the year in review.

Its own app because it answers a question neither the backlog nor the RACI does — does
the planned work fit the hours we have? — from both: tasks' estimates and weeks
(backlog) and who is Responsible for them (raci). So it sits on top of both.
"""
