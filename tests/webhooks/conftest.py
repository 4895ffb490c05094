import socket

import pytest


@pytest.fixture
def resolver(monkeypatch):
    """A DNS the test writes: `resolver[host] = address` makes `host` resolve to `address`
    alone; other names resolve as usual."""
    answers = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (answers[host], port, 0, 0))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers
