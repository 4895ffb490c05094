"""A webhook POST connects to the address that was checked, and keeps the URL's host name
for everything else: the Host header, the TLS server name and the certificate check."""

import http.server
import ssl
import subprocess
import threading

import pytest

from webhooks.sending import post


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.example.com, trusted as a CA for this test."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.example.com"),
            *("-addext", "subjectAltName=DNS:hooks.example.com"),
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


@pytest.fixture
def tls_receiver(certificate):
    key, cert = certificate
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen["host"] = self.headers["Host"]
            seen["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(202)
            self.end_headers()
            self.wfile.write(b"taken")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen.__setitem__("server_name", name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], cert, seen
    server.shutdown()


def test_an_https_post_reaches_the_checked_address_under_the_urls_name(
    tls_receiver, resolver, settings, monkeypatch
):
    port, cert, seen = tls_receiver
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver is on loopback
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    resolver["hooks.example.com"] = "127.0.0.1"

    answer = post(f"https://hooks.example.com:{port}/hook", body='{"a": 1}', headers={})

    assert (answer.status, answer.excerpt) == (202, "taken")
    assert seen == {
        "server_name": "hooks.example.com",
        "host": f"hooks.example.com:{port}",
        "body": b'{"a": 1}',
    }


def test_a_certificate_for_another_name_is_refused(tls_receiver, resolver, settings, monkeypatch):
    port, cert, seen = tls_receiver
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    resolver["elsewhere.example.org"] = "127.0.0.1"

    with pytest.raises(ssl.SSLCertVerificationError):
        post(f"https://elsewhere.example.org:{port}/hook", body="{}", headers={})
    assert "body" not in seen
