"""`reverse()` for the addresses pages print by the hundred: a task's page once per card or
row, the weekly review's agenda. This reverses an address once with stand-ins for its ids,
then writes each address's ids in (bench/README.md says what that saves).
"""

import functools

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Digits, so an <int:…> converter takes them; long, so no address holds one by chance.
STAND_INS = tuple(str(2147483647 - n) for n in range(4))


def reverse_ids(viewname: str, *ids: int) -> str:
    """reverse(viewname, args=ids), for an address whose arguments are integer ids.
    Anything but ids (an unsaved task's None) goes to reverse(), to fail as it would."""
    if not all(type(pk) is int and pk >= 0 for pk in ids):
        return reverse(viewname, args=ids)
    address = _address(
        viewname, len(ids), get_script_prefix(), get_resolver(get_urlconf()), get_language()
    )
    return address.format(*ids)


@functools.lru_cache(maxsize=64)
def _address(viewname: str, arity: int, script_prefix: str, resolver, language) -> str:
    """The address with a {n} for each id: the same under one script prefix, one URLconf
    (the request's own, if a middleware set one) and one active language (translated
    patterns), which are its cache key. reverse() percent-encodes any brace of its own,
    so every brace left is a stand-in's."""
    stand_ins = STAND_INS[:arity]
    address = reverse(viewname, urlconf=resolver.urlconf_name, args=stand_ins)
    for n, stand_in in enumerate(stand_ins):
        address = address.replace(stand_in, f"{{{n}}}")
    return address
