#!/usr/bin/env python3
"""A mock downstream for hookd's end-to-end tests: binds 127.0.0.1 on a free port, prints the port on
its first line, answers every request 200 with {"method", "path", "idempotency_key", "body"} and
stops when its standard input closes. A path /flaky/N/... answers 500 to its first N requests;
/sleep/MS/... answers after MS milliseconds.
GET /__requests answers the list of every other request served so far (method, path,
idempotency_key, authorization, body), in arrival order."""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


hits = {}
hits_lock = threading.Lock()
served = []


class Handler(BaseHTTPRequestHandler):
    def status(self):
        parts = self.path.split("/")
        if len(parts) > 2 and parts[1] == "flaky" and parts[2].isdigit():
            with hits_lock:
                hits[self.path] = hits.get(self.path, 0) + 1
                return 500 if hits[self.path] <= int(parts[2]) else 200
        return 200

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        record = {"method": self.command, "path": self.path,
                  "idempotency_key": self.headers.get("Idempotency-Key"),
                  "authorization": self.headers.get("Authorization"), "body": body}
        if self.command == "GET" and self.path == "/__requests":
            with hits_lock:
                reply = json.dumps(served).encode()
            status = 200
        else:
            parts = self.path.split("/")
            if len(parts) > 2 and parts[1] == "sleep" and parts[2].isdigit():
                time.sleep(int(parts[2]) / 1000)
            with hits_lock:
                served.append(record)
            reply = json.dumps(record).encode()
            status = self.status()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
