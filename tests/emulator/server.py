"""Serve moto (every AWS service on one port) with the emulator's extensions loaded.

    server.py --port PORT [--host HOST] [--without-extensions]

Prints "ready on http://HOST:PORT" on stdout once the socket accepts
connections (with --port 0 the port is the one the system picked), then
serves in the foreground until SIGTERM or SIGINT. --without-extensions serves
plain moto, to show what the extensions change.
"""

import argparse
import signal
import sys
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--without-extensions", action="store_true")
    args = parser.parse_args()

    if not args.without_extensions:
        # Imported as a package: moto files each model under its module's name.
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        import emulator.cfn_changesets  # noqa: F401
        import emulator.cfn_elasticache  # noqa: F401
        import emulator.cfn_tokens  # noqa: F401
        import emulator.cfn_review  # noqa: F401
        import emulator.cfn_imports  # noqa: F401
        import emulator.cfn_ssm  # noqa: F401
        import emulator.cfn_import  # noqa: F401
        import emulator.cfn_members  # noqa: F401
        import emulator.cfn_security_group  # noqa: F401
        import emulator.cfn_drift  # noqa: F401
        import emulator.cfn_revert  # noqa: F401

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # The same application moto_server runs: it routes each request to a
    # service by its signature, so all services share the port.
    server = make_server(
        args.host,
        args.port,
        DomainDispatcherApplication(create_backend_app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    # make_server has bound and is listening: connections queue from here on.
    print(f"ready on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
