"""Who owns what: people's RACI roles on tasks, the matrix, its share links.

It sits on the backlog (a role is on a task) and on people; capacity sits on it, since
load is counted from who is Responsible.
"""
