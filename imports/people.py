"""People as a spreadsheet names them: by name in any case and with or without accents
("José Núñez" is "jose nunez", people.models.name_key), or by email ("Dana
<dana@acme.com>", "dana@acme.com"); a cell of a RACI column may name several, split by
commas, semicolons or line breaks."""

import re

from people.models import name_key
from raci.models import Role

# The columns of RACI roles an import fills, and the role each gives.
ROLE_FIELDS = {"responsible": Role.RESPONSIBLE, "accountable": Role.ACCOUNTABLE}
SEPARATORS = re.compile(r"[,;\n]")
WITH_EMAIL = re.compile(r"(?P<name>[^<]*)<(?P<email>[^<>@\s]+@[^<>@\s]+)>")
EMAIL = re.compile(r"[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+")


def name_and_email(text: str) -> tuple[str, str]:
    """ "Dana Whitfield <dana@acme.com>" → ("Dana Whitfield", "dana@acme.com"); a bare
    email is its own name."""
    text = " ".join(text.split())
    if match := WITH_EMAIL.fullmatch(text):
        email = match["email"]
        return match["name"].strip().strip('"') or email, email
    if EMAIL.fullmatch(text):
        return text, text
    return text, ""


def names_in(cell: str) -> list[str]:
    """The people a cell of a RACI column names, each once."""
    found = {}
    for part in SEPARATORS.split(cell):
        if name := " ".join(part.split()):
            found.setdefault(name_key(name), name)
    return list(found.values())


def roles_of(responsible: list, accountable: list) -> list[tuple]:
    """(person, role) for a task's Responsible and Accountable people: one named in both
    is Accountable and responsible."""
    # By identity: a person to be added has no id yet, and imports.forms.Names gives one
    # object a name.
    roles = []
    for person in responsible:
        # Named twice, by name and by email: one role still.
        if not any(named is person for named, _ in roles):
            roles.append((person, Role.RESPONSIBLE))
    for person in accountable:
        both = any(named is person for named, _ in roles)
        roles = [(named, role) for named, role in roles if named is not person]
        roles.append((person, Role.ACCOUNTABLE_RESPONSIBLE if both else Role.ACCOUNTABLE))
    return roles
