"""Building blocks for tests/multi: several `portier serve` processes on one throw-away PostgreSQL
behind an nginx `upstream` (round-robin) on loopback, with an in-process SMTP sink.

Everything listens on 127.0.0.1 only, lives in pytest's temporary folders and is stopped again
by the fixtures in conftest.py. Nothing here writes into the checkout.
"""

from __future__ import annotations

import asyncio
import email
import email.message
import email.policy
import email.utils
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

MULTI_DIR = Path(__file__).resolve().parent
REPO = MULTI_DIR.parents[1]
ARTIFACTS = REPO / "var" / "test-logs" / "multi-artifacts"  # var/ is git-ignored

# The SMTP sink's storage format (one .eml per message) comes from tests/smtp_sink.py.
sys.path.insert(0, str(REPO / "tests"))
from smtp_sink import FileSink  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

BINARY = Path(os.environ.get("PORTIER_MULTI_BINARY") or REPO / ".build" / "debug" / "portier")
# A fixed secret, the same on every instance (device cookies and second-factor secrets must be
# readable by whichever instance gets the next request).
SECRET_KEY = "bXVsdGktaW5zdGFuY2UtdGVzdHMtb25seS1zZWNyZXQta2V5IQ=="
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


# ----------------------------------------------------------------------------- small helpers

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def problem_lines(text: str) -> list[str]:
    """Lines of a Portier log that point at a failure (errors, crashes, constraint violations)."""
    pattern = re.compile(
        r"\[ (ERROR|CRITICAL) \]|Fatal error|duplicate key|unique constraint|violates|already exists"
        r"|deadlock|could not serialize|migration.*(fail|error)|portier stopped|PSQLError",
        re.IGNORECASE,
    )
    return [line for line in text.splitlines() if pattern.search(line)]


def wait_until(condition, timeout: float, interval: float = 0.2, message: str | None = None):
    """Calls `condition()` until it returns something truthy (returned) or `timeout` s pass
    (AssertionError with `message`, a callable for a message computed late, or a default)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(text or f"condition not met within {timeout:g}s")
        time.sleep(interval)


def snapshot_binary(destination: Path, timeout: float = 600) -> Path:
    """A private copy of .build/debug/portier, so a relink while the tests run cannot break a
    start. Waits (up to `timeout` s) while the file is missing or still being written."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            stat = BINARY.stat()
            current = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            current = None
        if current is not None and current == last and os.access(BINARY, os.X_OK):
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(BINARY, destination)
            after = BINARY.stat()
            if (after.st_size, after.st_mtime_ns) == current:
                return destination
        if time.monotonic() > deadline:
            raise RuntimeError(f"{BINARY} did not become available (missing or changing) within {timeout:g}s; build it first")
        last = current
        time.sleep(2)


# ----------------------------------------------------------------------------- PostgreSQL

def psql_binary() -> str:
    found = shutil.which("psql")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"), reverse=True):
        return str(candidate)
    raise RuntimeError("psql not found (apt-get install postgresql-client)")


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/" + database).geturl()


def psql(url: str, sql: str, timeout: float = 60) -> list[list[str]]:
    """Runs SQL with psql against `url`; returns the rows of the last statement (fields split on |)."""
    result = subprocess.run(
        [psql_binary(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"psql failed ({result.returncode}) for {sql!r}:\n{result.stderr}")
    return [line.split("|") for line in result.stdout.splitlines() if line]


# ----------------------------------------------------------------------------- SMTP sink

class _DelayingFileSink(FileSink):
    """tests/smtp_sink.py's storage, plus an optional pause between storing a message and
    answering 250: the sender is then "in the middle of a send" for `delay` seconds (a crash in
    that window is the at-least-once duplicate)."""

    def __init__(self, directory: str, delay: float):
        super().__init__(directory)
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return reply


@dataclass
class Mail:
    path: Path
    message: email.message.EmailMessage

    @property
    def recipients(self) -> list[str]:
        values = [str(v) for header in ("To", "Cc") for v in self.message.get_all(header, [])]
        return [address.lower() for _, address in email.utils.getaddresses(values)]

    @property
    def message_id(self) -> str:
        return str(self.message.get("Message-ID", "")).strip()


class MailSink:
    """An SMTP server on 127.0.0.1 (aiosmtpd, in this process) storing each message as .eml."""

    def __init__(self, directory: Path, delay: float = 0.0):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.controller = Controller(_DelayingFileSink(str(directory), delay), hostname="127.0.0.1", port=self.port)

    def start(self) -> "MailSink":
        self.controller.start()
        return self

    def stop(self) -> None:
        try:
            self.controller.stop()
        except Exception as error:  # never hide the test's own failure
            print(f"stopping the SMTP sink: {error}", file=sys.stderr)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=never"

    def messages(self) -> list[Mail]:
        found = []
        for path in sorted(self.directory.glob("*.eml")):
            with path.open("rb") as handle:
                found.append(Mail(path, email.message_from_binary_file(handle, policy=email.policy.default)))
        return found

    def by_recipient(self) -> dict[str, list[Mail]]:
        grouped: dict[str, list[Mail]] = {}
        for mail in self.messages():
            for address in mail.recipients:
                grouped.setdefault(address, []).append(mail)
        return grouped

    def wait_for_recipients(self, addresses: list[str], timeout: float, describe=None) -> dict[str, list[Mail]]:
        """Waits until every address has at least one message; returns them grouped."""
        wanted = {a.lower() for a in addresses}

        def complete():
            grouped = self.by_recipient()
            return grouped if wanted <= grouped.keys() else None

        def message():
            grouped = self.by_recipient()
            missing = sorted(wanted - grouped.keys())
            extra = f"\n{describe()}" if describe else ""
            return (f"{len(missing)} of {len(wanted)} expected mails did not arrive within {timeout:g}s "
                    f"(missing: {missing[:6]}{' …' if len(missing) > 6 else ''}); the sink holds "
                    f"{len(self.messages())} message(s){extra}")

        return wait_until(complete, timeout, interval=0.25, message=message)


# ----------------------------------------------------------------------------- Portier

def clean_environment() -> dict[str, str]:
    """The caller's environment without anything Portier reads (a developer's settings or the
    Swift tests' variables must not change what these tests see)."""
    drop = ("PORTIER_", "DATABASE_URL", "LOG_LEVEL", "LOG_FORMAT")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


@dataclass
class Instance:
    """One `portier serve --env production` on 127.0.0.1, from a working folder of its own that
    links Resources/ and Public/ (so no .env in the checkout is read)."""

    name: str
    binary: Path
    workdir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = field(default=None, repr=False)
    exit_status: int | None = None

    def __post_init__(self) -> None:
        self.run_dir = self.workdir / f"{self.name}-cwd"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for folder in ("Resources", "Public"):
            link = self.run_dir / folder
            if not link.exists():
                link.symlink_to(REPO / folder)
        self.log_path = self.workdir / f"{self.name}.log"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "Instance":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--env", "production", "--hostname", "127.0.0.1", "--port", str(self.port)],
            cwd=self.run_dir, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        return self

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def readiness(self) -> tuple[int, dict]:
        reply = request(self.port, "GET", "/readyz", timeout=5)
        try:
            return reply.status, json.loads(reply.text)
        except ValueError:
            return reply.status, {}

    def wait_ready(self, timeout: float = 120) -> dict:
        """Waits for GET /readyz = 200 on this instance's own port; returns the report."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while True:
            if not self.is_running():
                raise AssertionError(
                    f"{self.name} exited with status {self.process.returncode if self.process else '?'} while starting:\n"
                    + "\n".join(problem_lines(self.log())[:12] or self.log().splitlines()[-20:])
                )
            try:
                status, report = self.readiness()
                if status == 200:
                    return report
                last = f"{status} {report}"
            except OSError as error:
                last = str(error)
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} was not ready within {timeout:g}s (last /readyz: {last}):\n{tail(self.log_path, 20)}")
            time.sleep(0.25)

    def mails_sent(self) -> int:
        """How many `mail sent` lines this instance logged (LOG_LEVEL=info)."""
        return self.log().count("mail sent")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.exit_status = self.process.wait(timeout=10)

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        self.exit_status = self.process.wait(timeout=timeout)
        return self.exit_status

    def stop(self) -> None:
        if not self.is_running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def command(self, *arguments: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """An operator command of the same binary against the same database and configuration."""
        return subprocess.run(
            [str(self.binary), *arguments, "--env", "production"], input=input, text=True, capture_output=True,
            cwd=self.run_dir, env=self.env, timeout=timeout,
        )


# ----------------------------------------------------------------------------- nginx

def nginx_binary() -> str | None:
    return shutil.which("nginx") or (str(Path("/usr/sbin/nginx")) if Path("/usr/sbin/nginx").exists() else None)


class Nginx:
    """nginx on 127.0.0.1 in front of the instances: an `upstream` with one server per instance
    (round-robin, the default), X-Forwarded-For passed on, the chosen upstream echoed in the
    response header X-Portier-Upstream. Runs as the current user with every path in `workdir`."""

    def __init__(self, workdir: Path, servers: list[str], port: int | None = None):
        self.work = workdir / "nginx"
        (self.work / "logs").mkdir(parents=True, exist_ok=True)
        (self.work / "tmp").mkdir(exist_ok=True)
        self.port = port or free_port()
        self.config = self.work / "nginx.conf"
        user_line = "user root;" if os.geteuid() == 0 else ""
        upstream = "\n".join(f"        server {server} max_fails=1 fail_timeout=5s;" for server in servers)
        self.config.write_text(f"""
{user_line}
worker_processes 1;
daemon off;
master_process on;
pid {self.work}/nginx.pid;
error_log {self.work}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr ($upstream_status) $request_time s';
    access_log {self.work}/logs/access.log upstreams;
    client_body_temp_path {self.work}/tmp/body;
    proxy_temp_path {self.work}/tmp/proxy;
    fastcgi_temp_path {self.work}/tmp/fastcgi;
    uwsgi_temp_path {self.work}/tmp/uwsgi;
    scgi_temp_path {self.work}/tmp/scgi;
    upstream portier {{
{upstream}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://portier;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            add_header X-Portier-Upstream $upstream_addr always;
        }}
    }}
}}
""")
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Nginx":
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        stderr = (self.work / "logs" / "stderr.log").open("ab")
        self.process = subprocess.Popen(
            [binary, "-c", str(self.config), "-p", str(self.work), "-e", str(self.work / "logs" / "error.log")],
            stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        stderr.close()
        deadline = time.monotonic() + 15
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("nginx did not start:\n" + tail(self.work / "logs" / "stderr.log")
                                   + "\n" + tail(self.work / "logs" / "error.log"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{self.port} within 15s")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# ----------------------------------------------------------------------------- HTTP

class Reply:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookies(self) -> dict[str, str]:
        jar = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, content = pair.partition("=")
                jar[name.strip()] = content.strip()
        return jar

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def upstream(self) -> str | None:
        return self.header("X-Portier-Upstream")

    def csrf_token(self) -> str:
        found = CSRF_FIELD.search(self.text)
        assert found, f"no csrf_token field in the page (HTTP {self.status})"
        return found.group(1)


def request(port: int, method: str, path: str, cookies: dict | None = None, form: dict | None = None,
            headers: dict | None = None, timeout: float = 30) -> Reply:
    """One request on a new connection to 127.0.0.1:`port` (no redirects followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        return Reply(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


class Browser:
    """A cookie jar and a client address, talking to one port (nginx's)."""

    def __init__(self, port: int, client_address: str | None = None):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers = {"X-Forwarded-For": client_address} if client_address else {}
        self.upstreams: list[str | None] = []

    def send(self, method: str, path: str, form: dict | None = None, timeout: float = 30) -> Reply:
        reply = request(self.port, method, path, cookies=self.cookies, form=form, headers=self.headers, timeout=timeout)
        for name, value in reply.cookies().items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        self.upstreams.append(reply.upstream)
        return reply

    def get(self, path: str, **kwargs) -> Reply:
        return self.send("GET", path, **kwargs)

    def submit(self, page_path: str, form: dict, action: str | None = None, timeout: float = 30) -> Reply:
        """GET the page (cookie + csrf_token), then POST the form with the token."""
        page = self.get(page_path, timeout=timeout)
        assert page.status == 200, f"GET {page_path} answered {page.status}"
        return self.send("POST", action or page_path, form={**form, "csrf_token": page.csrf_token()}, timeout=timeout)
