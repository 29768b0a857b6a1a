#!/usr/bin/env python3
"""A tiny SMTP sink for Portier's tests.

Every accepted message is stored as one file, <dir>/<time>-<uuid>.eml, holding exactly
the bytes that arrived after DATA (dot-stuffing undone, CRLF line endings kept), plus a
sidecar <same name>.json with the envelope (mail_from, rcpt_tos, auth_login).

    python3 tests/smtp_sink.py --port 2525 --dir var/test-mail
    python3 tests/smtp_sink.py --port 0 --dir D --auth          # AUTH PLAIN/LOGIN portier / s3cret
    python3 tests/smtp_sink.py --port 0 --dir D --auth --auth-exclude PLAIN   # LOGIN only
    python3 tests/smtp_sink.py --port 0 --dir D --tls-cert C --tls-key K --tls-mode starttls

Prints "READY <port>" once it accepts connections (port 0 picks a free port).
Stops on SIGINT/SIGTERM, or when stdin closes if --stop-on-stdin-eof is given.
"""
import argparse
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = b"portier"
PASSWORD = b"s3cret"


class FileSink:
    def __init__(self, directory):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = "%s-%s" % (time.strftime("%Y%m%dT%H%M%S", time.gmtime()), uuid.uuid4().hex)
        auth = getattr(session, "auth_data", None)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
        }
        with open(os.path.join(self.directory, name + ".json"), "w") as f:
            json.dump(meta, f)
        # Written under a temporary name and renamed, so readers never see half a message.
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as f:
            f.write(envelope.original_content)
        os.replace(temporary, os.path.join(self.directory, name + ".eml"))
        return "250 OK stored"


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD:
        return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False)


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description="SMTP sink that stores each message as an .eml file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--auth", action="store_true", help="require AUTH PLAIN/LOGIN as portier / s3cret")
    parser.add_argument("--auth-exclude", action="append", default=[], metavar="MECHANISM",
                        help="do not offer this AUTH mechanism (e.g. PLAIN, to test LOGIN)")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--tls-mode", choices=["starttls", "implicit"], default="starttls")
    parser.add_argument("--stop-on-stdin-eof", action="store_true")
    args = parser.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port(args.host)

    options = {}
    if args.auth:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
        if args.auth_exclude:
            options["auth_exclude_mechanism"] = [m.upper() for m in args.auth_exclude]
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.tls_mode == "implicit":
            options["ssl_context"] = context
        else:
            options["tls_context"] = context

    controller = Controller(FileSink(args.dir), hostname=args.host, port=port, **options)
    controller.start()
    print("READY %d" % port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.stop_on_stdin_eof:
        def watch_stdin():
            sys.stdin.read()
            stop.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    while not stop.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
