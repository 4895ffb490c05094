"""The people mopsboard knows: the team, with their weekly hours, and the stakeholders
who ask for work. Tasks, RACI roles, capacity and the review all point at a person, so
people sit below every other app."""
