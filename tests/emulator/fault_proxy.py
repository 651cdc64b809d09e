"""A fault-injecting HTTP proxy between an AWS SDK and the emulator (stdlib only).

    fault_proxy.py --target URL [--port PORT] [--seed N] [--rate FRACTION]
                   [--kinds 500,throttle,503,close,delay] [--delay SECONDS]
                   [--lose OPERATION:N ...] [--stall OPERATION:N:SECONDS ...]
                   [--fail-after OPERATION] [--log FILE]

Forwards every request to --target, except that a fraction --rate of them
(drawn from a random generator seeded with --seed, so a run can be replayed)
gets one of the --kinds of fault instead:

  500       HTTP 500 with an AWS InternalFailure error body; not forwarded
  throttle  HTTP 400 with an AWS Throttling "Rate exceeded" error; not forwarded
  503       HTTP 503 with an HTML page, no AWS error; not forwarded
  close     the connection is closed without any response; not forwarded
  delay     forwarded, and the answer held back --delay seconds

--lose OPERATION:N forwards the Nth call (1-based) of OPERATION (the query
protocol's Action, e.g. CreateChangeSet) and then closes the connection
without passing the answer on: the emulator acted, the client never hears.
--stall OPERATION:N:SECONDS holds the Nth call of OPERATION that long before
forwarding it. --lose and --stall apply whatever --rate says; a call they pick
gets no random fault. --fail-after OPERATION forwards calls until the first
call of OPERATION has been forwarded, then gives every later call a fault of
--kinds (AWS out of reach right after, e.g., ExecuteChangeSet).

Prints "ready on http://127.0.0.1:PORT" once it accepts connections (--port 0
picks a free port). Each request is logged, one line, to --log (default
stderr): "<n> <operation> <fault or ok>".
"""

import argparse
import http.client
import random
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("500", "throttle", "503", "close", "delay")

EC2_VERSION = "Version=2016-11-15"


def error_body(ec2: bool, code: str, message: str) -> bytes:
    """An AWS query-protocol error, in the shape each service answers with."""
    if ec2:
        text = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            "</Error></Errors><RequestID>fault-proxy</RequestID></Response>"
        )
    else:
        text = (
            '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">'
            f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
    return text.encode()


HTML_503 = (
    b"<html><head><title>503 Service Unavailable</title></head>"
    b"<body><h1>503 Service Unavailable</h1></body></html>"
)


class Plan:
    """Decides, call by call, what happens to each request."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.random = random.Random(args.seed)
        self.rate = args.rate
        self.kinds = [k for k in args.kinds.split(",") if k]
        for kind in self.kinds:
            if kind not in KINDS:
                sys.exit(f"unknown fault kind {kind!r}: one of {', '.join(KINDS)}")
        self.lose = {}
        for spec in args.lose:
            operation, n = spec.split(":")
            self.lose[(operation, int(n))] = True
        self.stall = {}
        for spec in args.stall:
            operation, n, seconds = spec.split(":")
            self.stall[(operation, int(n))] = float(seconds)
        self.fail_after = args.fail_after
        self.failing = False
        self.lock = threading.Lock()
        self.calls: dict[str, int] = {}
        self.total = 0

    def decide(self, operation: str) -> tuple[int, str]:
        with self.lock:
            self.total += 1
            n = self.calls[operation] = self.calls.get(operation, 0) + 1
            if (operation, n) in self.lose:
                return self.total, "lose"
            if (operation, n) in self.stall:
                return self.total, f"stall:{self.stall[(operation, n)]}"
            if self.failing:
                return self.total, self.random.choice(self.kinds)
            if operation == self.fail_after:
                self.failing = True
                return self.total, "ok"
            # Draw for every call, so the faults a seed gives do not depend on --lose.
            draw, kind = self.random.random(), self.random.choice(self.kinds or ["ok"])
            if self.kinds and draw < self.rate:
                return self.total, kind
            return self.total, "ok"


def make_handler(target: urllib.parse.SplitResult, plan: Plan, delay: float, log):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.handle_request()

        def do_GET(self) -> None:  # noqa: N802
            self.handle_request()

        def handle_request(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            form = urllib.parse.parse_qs(body.decode(errors="replace"))
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            operation = (form.get("Action") or query.get("Action") or ["?"])[0]
            ec2 = EC2_VERSION in body.decode(errors="replace")
            n, fault = plan.decide(operation)
            print(f"{n} {operation} {fault}", file=log, flush=True)
            if fault == "500":
                self.answer(500, "text/xml", error_body(ec2, "InternalFailure", "Injected internal failure"))
            elif fault == "throttle":
                self.answer(400, "text/xml", error_body(ec2, "Throttling", "Rate exceeded"))
            elif fault == "503":
                self.answer(503, "text/html", HTML_503)
            elif fault == "close":
                self.drop()
            else:
                if fault == "delay":
                    time.sleep(delay)
                elif fault.startswith("stall:"):
                    time.sleep(float(fault.split(":")[1]))
                status, headers, answer = self.forward(body)
                if fault == "lose":
                    self.drop()
                else:
                    self.answer(status, headers.get("Content-Type", "text/xml"), answer, headers)

        def forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=300)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            result = response.status, dict(response.getheaders()), answer
            connection.close()
            return result

        def answer(self, status: int, content_type: str, body: bytes, headers=None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-type", "server", "date"):
                    self.send_header(key, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def drop(self) -> None:
            """Close the connection without a word."""
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--lose", action="append", default=[])
    parser.add_argument("--stall", action="append", default=[])
    parser.add_argument("--fail-after")
    parser.add_argument("--log")
    args = parser.parse_args()
    log = open(args.log, "a") if args.log else sys.stderr
    target = urllib.parse.urlsplit(args.target)
    server = ThreadingHTTPServer(
        (args.host, args.port), make_handler(target, Plan(args), args.delay, log)
    )
    server.daemon_threads = True
    print(f"ready on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
