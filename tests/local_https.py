"""A local HTTPS server that stands in for the internet a page asks for (map tiles, a CDN's
scripts), for the audit and the benchmark: nothing leaves the machine, and Chromium talks to it
as to the real hosts, so its HTTP cache works as a reader's would (Playwright's request routing
turns the cache off, which made folium's pages fetch each marker's icon again and again).

Chromium is sent here by `--host-resolver-rules` and trusts the server's self-signed
certificate by its key's hash (`--ignore-certificate-errors-spki-list`), the way Chromium's own
web-page-replay tool does: a certificate error would keep responses out of the cache.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import ssl
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# (status, content type, body) for a request's host and path.
Answer = tuple[int, str, bytes]


class LocalHttps:
    """Serves `answer(host, path)` over HTTPS on 127.0.0.1 and counts the requests by path."""

    def __init__(self, folder: Path, answer: Callable[[str, str], Answer]):
        key, cert = folder / "local.key", folder / "local.crt"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
            + ["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
        self.spki_hash = _spki_sha256(cert)
        self.requests: Counter[str] = Counter()
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0]
                requests[self.path] += 1
                status, kind, body = answer(host, self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "public, max-age=86400")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def chromium_flags(self, hosts: str = "*") -> list[str]:
        """Flags that send `hosts` (a host-resolver pattern) here and trust the certificate."""
        return [
            f"--host-resolver-rules=MAP {hosts} 127.0.0.1:{self.port}",
            f"--ignore-certificate-errors-spki-list={self.spki_hash}",
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that hangs up in the middle of an answer (a page closed while a tile was
        on its way) is no fault of the server's, and says nothing in the benchmark's output;
        anything else is printed, as socketserver does."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLEOFError)):
            super().handle_error(request, client_address)


def _spki_sha256(cert: Path) -> str:
    """The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's flag wants."""
    public_key = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    spki = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=public_key,
        check=True,
        capture_output=True,
    ).stdout
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()
