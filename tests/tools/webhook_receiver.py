"""A webhook receiver for quire's tests: verifies every request with the official
Standard Webhooks library (`standardwebhooks` from PyPI) and records what it got.

Listens on 127.0.0.1 (port 0) and prints the port on its first line. Endpoints:

  POST /hook/<name>            a webhook; answered as <name>'s mode says:
                               ok (200), fail (503), gone (410), hang (no answer until
                               the mode changes)
  PUT  /control/<name>/secret  body: the secret (whsec_...) to verify <name>'s hooks with
  PUT  /control/<name>/mode    body: ok | fail | gone | hang
  GET  /control/log            every request received, as a JSON array, in order
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

LOCK = threading.Lock()
SECRETS = {}
MODES = {}
LOG = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _body(self):
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n)

    def _answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("content-type", "text/plain; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        parts = self.path.strip("/").split("/")
        body = self._body().decode()
        if len(parts) == 3 and parts[0] == "control":
            with LOCK:
                (SECRETS if parts[2] == "secret" else MODES)[parts[1]] = body.strip()
            return self._answer(204)
        self._answer(404)

    def do_GET(self):
        if self.path == "/control/log":
            with LOCK:
                body = json.dumps(LOG).encode()
            return self._answer(200, body)
        self._answer(404)

    def do_POST(self):
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "hook":
            return self._answer(404)
        name = parts[1]
        raw = self._body()
        received = time.time()
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            secret = SECRETS.get(name)
            mode = MODES.get(name, "ok")
        entry = {
            "name": name,
            "mode": mode,
            "received": received,
            "id": headers.get("webhook-id"),
            "timestamp": headers.get("webhook-timestamp"),
            "verified": False,
            "error": None,
            "payload": None,
        }
        try:
            entry["payload"] = Webhook(secret).verify(raw, headers)
            entry["verified"] = True
        except Exception as e:  # the library's own verdict, recorded for the test
            entry["error"] = f"{type(e).__name__}: {e}"
        with LOCK:
            LOG.append(entry)
        while mode == "hang":
            time.sleep(0.05)
            with LOCK:
                mode = MODES.get(name, "ok")
        status = {"ok": 200, "fail": 503, "gone": 410}.get(mode, 500)
        self._answer(status, f"{mode} 받았습니다".encode())


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A sender killed mid-request (the kill -9 test) breaks the connection: expected.
        pass


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
