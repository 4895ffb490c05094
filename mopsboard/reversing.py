"""`reverse()` for the addresses pages print by the hundred: a task's page once per card or
row, the weekly review's agenda. Django's reverse() took 30 µs a call here, 5 ms for the
weekly review's 180 task links; this reverses an address once with stand-ins for its ids,
then writes each address's ids in: 5 µs, most of it reading the script prefix.
"""

import functools

from django.urls import get_resolver, get_script_prefix, reverse

# Digits, so an <int:…> converter takes them; long, so no address holds one by chance.
STAND_INS = tuple(str(2147483647 - n) for n in range(4))


def reverse_ids(viewname: str, *ids: int) -> str:
    """reverse(viewname, args=ids), for an address whose arguments are integer ids, in the
    URLconf of the settings: no view of mopsboard sets a URLconf of its own on its request.
    Anything but ids (an unsaved task's None) goes to reverse(), to fail as it would."""
    if not all(type(pk) is int and pk >= 0 for pk in ids):
        return reverse(viewname, args=ids)
    address = _address(viewname, len(ids), get_script_prefix(), get_resolver())
    return address.format(*ids)


@functools.lru_cache(maxsize=64)
def _address(viewname: str, arity: int, script_prefix: str, resolver) -> str:
    """The address with a {n} for each id: the same under one script prefix and one
    URLconf, which are its cache key (tests and mounted sites change them). reverse()
    percent-encodes any brace of its own, so every brace left is a stand-in's."""
    stand_ins = STAND_INS[:arity]
    address = reverse(viewname, urlconf=resolver.urlconf_name, args=stand_ins)
    for n, stand_in in enumerate(stand_ins):
        address = address.replace(stand_in, f"{{{n}}}")
    return address
