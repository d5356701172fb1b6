"""The local HTTPS server the benchmark and the audit load pages from (tests/local_https.py)."""

from __future__ import annotations

import socket
import ssl

from .local_https import LocalHttps

BODY = b"x" * 4_000_000  # more than a socket's buffers hold: the answer is still being sent


def _answer(host: str, path: str):
    return (200, "text/plain", BODY) if path == "/big" else (404, "text/plain", b"")


def _client(server: LocalHttps) -> ssl.SSLSocket:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", server.port))
    return context.wrap_socket(raw, server_hostname="localhost")


def test_it_serves_the_answer_and_counts_the_request(tmp_path):
    server = LocalHttps(tmp_path, _answer)
    try:
        with _client(server) as client:
            client.sendall(b"GET /big HTTP/1.1\r\nHost: tile.openstreetmap.org\r\n\r\n")
            received = b""
            while not received.endswith(BODY) and (chunk := client.recv(1 << 20)):
                received += chunk
        assert received.startswith(b"HTTP/1.1 200") and received.endswith(BODY)
        assert server.requests["/big"] == 1
    finally:
        server.close()


def test_a_client_hanging_up_mid_answer_prints_nothing(tmp_path, capfd):
    """A page closed while an answer is on its way (the benchmark closes each page as soon as
    it is measured) is no error: the benchmark's output stays its table."""
    server = LocalHttps(tmp_path, _answer)
    try:
        for _ in range(3):
            client = _client(server)
            client.sendall(b"GET /big HTTP/1.1\r\nHost: tile.openstreetmap.org\r\n\r\n")
            client.recv(1000)
            client.close()
        with _client(server) as client:  # the server still answers
            client.sendall(b"GET /other HTTP/1.1\r\nHost: example.org\r\n\r\n")
            assert client.recv(1000).startswith(b"HTTP/1.1 404")
    finally:
        server.close()
    assert "Traceback" not in capfd.readouterr().err
