"""Shared helpers for Portier's benchmarks (bench/*): the release binary, a Portier server on
loopback with its own database and working folder, nginx, wrk, /proc figures and result tables.

Every process started here is stopped again on exit (normal end, error, Ctrl-C or SIGTERM).
All traffic goes to 127.0.0.1. Every load run is bounded in time (wrk -d).
"""

from __future__ import annotations

import atexit
import datetime as _dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
LIB = BENCH / "lib"
SCRATCH = ROOT / ".build-release"
# BENCH_BINARY: another build of portier to measure instead (A/B comparisons of a change).
BINARY = Path(os.environ["BENCH_BINARY"]) if os.environ.get("BENCH_BINARY") else SCRATCH / "release" / "portier"
# `portier-bench`: the benchmark-only commands (bench-hash), beside the binary measured.
BENCH_TOOL = BINARY.parent / "portier-bench"
# BENCH_BEFORE_BINARY: an older release build measured in the same run beside BINARY (issue 9's
# before/after). It runs with the templates, catalogs, guides and assets of its own tree
# (BENCH_BEFORE_ROOT, by default the checkout that holds <root>/.build-release/release/portier),
# never this tree's. It is never built by a script: build it in its own checkout first.
BEFORE_BINARY = Path(os.environ["BENCH_BEFORE_BINARY"]) if os.environ.get("BENCH_BEFORE_BINARY") else None
BEFORE_ROOT = (Path(os.environ["BENCH_BEFORE_ROOT"]) if os.environ.get("BENCH_BEFORE_ROOT")
               else BEFORE_BINARY.parents[2] if BEFORE_BINARY else None)
OUT = Path(os.environ.get("BENCH_OUT", BENCH / "out"))

# Defaults, overridable from the environment so a quick smoke run is possible.
DURATION = int(os.environ.get("BENCH_DURATION", "10"))      # seconds per measured wrk run
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))           # seconds of warm-up before it
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))           # interleaved repetitions

_cleanups: list = []


def _run_cleanups(*_args) -> None:
    while _cleanups:
        action = _cleanups.pop()
        try:
            action()
        except Exception as error:  # keep cleaning up
            print(f"cleanup: {error}", file=sys.stderr)


def _on_signal(signum, _frame) -> None:
    _run_cleanups()
    sys.exit(128 + signum)


atexit.register(_run_cleanups)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


def on_exit(action) -> None:
    """Runs `action` when the benchmark ends, last registered first."""
    _cleanups.append(action)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def die(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Build and tools


def ensure_binary() -> Path:
    """The release binary; built (in its own scratch path) when missing or when BENCH_REBUILD=1."""
    if BINARY.exists() and (os.environ.get("BENCH_REBUILD") != "1" or os.environ.get("BENCH_BINARY")):
        return BINARY
    if os.environ.get("BENCH_BINARY"):
        die(f"BENCH_BINARY={BINARY} does not exist")
    say("building the release binary (swift build -c release --scratch-path .build-release); "
        "the first build takes 10–20 minutes on 2 cores")
    for product in ("portier", "portier-bench"):
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", str(SCRATCH), "--product", product],
                       cwd=ROOT, check=True)
    if not BINARY.exists():
        die(f"the build did not produce {BINARY}")
    return BINARY


def ensure_before_binary() -> Path | None:
    """BENCH_BEFORE_BINARY when set (it must exist and sit in a checkout with Resources/ and Public/)."""
    if BEFORE_BINARY is None:
        return None
    if not BEFORE_BINARY.exists():
        die(f"BENCH_BEFORE_BINARY={BEFORE_BINARY} does not exist (build it in its own checkout: swift build -c release "
            "--scratch-path .build-release --product portier)")
    for folder in ("Resources", "Public"):
        if not (BEFORE_ROOT / folder).is_dir():
            die(f"{BEFORE_ROOT / folder} is missing: set BENCH_BEFORE_ROOT to the before binary's checkout")
    return BEFORE_BINARY


def describe_before() -> str:
    """`<commit> (<path>)` of the before binary's checkout, for the report."""
    try:
        commit = subprocess.run(["git", "-C", str(BEFORE_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        commit = ""
    return f"{commit or 'unknown commit'} ({BEFORE_BINARY})"


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None and not Path(f"/usr/sbin/{name}").exists()]
    if missing:
        die("missing tools: " + " ".join(missing) + " (install with: apt-get update && apt-get install -y "
            + " ".join({"psql": "postgresql", "perf": "linux-perf"}.get(m, m) for m in missing) + ")")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workdir(name: str) -> Path:
    """A fresh bench/out/<name>/ folder (git-ignored)."""
    path = OUT / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def machine_facts() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = proc_meminfo().get("MemTotal", 0)
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_mib": mem_total // 1024,
        "kernel": platform.release(),
        "load_average": os.getloadavg(),
    }


def proc_meminfo() -> dict:
    values = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        values[key] = int(rest.split()[0])
    return values


def proc_status(pid: int) -> dict:
    """VmRSS, VmHWM, … of a process in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key.startswith("Vm") or key == "Threads":
            values[key] = int(rest.split()[0])
    return values


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


# ---------------------------------------------------------------------------------------------
# HTTP (tiny client with explicit cookies)


class Reply:
    def __init__(self, status: int, headers: list, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookies(self) -> dict:
        jar = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie_name, _, cookie_value = pair.partition("=")
                jar[cookie_name.strip()] = cookie_value.strip()
        return jar

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_request(port: int, method: str, path: str, cookies: dict | None = None, form: dict | None = None,
                 headers: dict | None = None, timeout: float = 30) -> Reply:
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


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(port: int, email: str, password: str) -> dict:
    """Logs in through the real form and returns the cookies of the logged-in browser."""
    page = http_request(port, "GET", "/logga-in")
    cookies = page.cookies()
    token = CSRF_FIELD.search(page.text).group(1)
    reply = http_request(port, "POST", "/logga-in", cookies=cookies,
                         form={"email": email, "password": password, "csrf_token": token})
    if reply.status != 303:
        die(f"login as {email} failed: HTTP {reply.status}")
    cookies.update(reply.cookies())
    return cookies


# ---------------------------------------------------------------------------------------------
# Portier


def _clean_environment() -> dict:
    """The caller's environment without anything Portier would read (so a developer's settings
    cannot change the benchmark)."""
    drop = ("PORTIER_", "DATABASE_URL", "LOG_LEVEL")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


class Portier:
    """One Portier release binary serving on 127.0.0.1 from its own working folder.

    The working folder links Resources/ and Public/ from the repository, so a developer's `.env`
    in the repository is not read. Environment `production` (Leaf cache on, default log level
    `notice`, no demo seed); mail goes to a closed port and simply stays in the outbox.
    """

    def __init__(self, work: Path, name: str = "portier", database: str | None = None,
                 env: dict | None = None, environment: str = "production", binary: Path | None = None,
                 root: Path | None = None):
        self.work = work
        self.name = name
        # Another build (BEFORE_BINARY) runs with its own tree's Resources/ and Public/.
        self.binary = binary or BINARY
        self.root = root or ROOT
        self.run_dir = work / f"{name}-cwd"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for folder in ("Resources", "Public"):
            link = self.run_dir / folder
            if not link.exists():
                link.symlink_to(self.root / folder)
        self.database = database or str(work / f"{name}.sqlite")
        self.environment = environment
        self.extra_env = dict(env or {})
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = work / f"{name}.log"
        self.startup_seconds: float | None = None

    def environment_variables(self, extra: dict | None = None) -> dict:
        variables = _clean_environment()
        if self.database.startswith("postgres"):
            variables["DATABASE_URL"] = self.database
        else:
            variables["PORTIER_SQLITE_PATH"] = self.database
        variables["PORTIER_SMTP_URL"] = "smtp://127.0.0.1:9"   # discard port, closed: mail waits in the outbox
        variables["PORTIER_MAIL_DIR"] = str(self.work / "mail")
        variables["PORTIER_BASE_URL"] = f"http://127.0.0.1:{self.port}"
        # Production requires a secret key since the session-cookie work; older builds (e.g. 5591547)
        # have no such setting and simply ignore the variable.
        variables["PORTIER_SECRET_KEY"] = "YmVuY2htYXJrcy1vbmx5LXNlY3JldC1rZXktMzItYnl0ZXM="
        variables.update(self.extra_env)
        variables.update(extra or {})
        return variables

    def command(self, *args: str, stdin: str | None = None, environment: str | None = None,
                check: bool = True, extra_env: dict | None = None, binary: Path | None = None) -> str:
        """Runs an operator command of the same binary (or `binary`, e.g. BENCH_TOOL) against the
        same database."""
        argv = [str(binary or self.binary), *args, "--env", environment or self.environment]
        result = subprocess.run(argv, cwd=self.run_dir, env=self.environment_variables(extra_env), input=stdin,
                                capture_output=True, text=True, timeout=3600)
        if check and result.returncode != 0:
            die(f"`portier {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def start(self, timeout: float = 180) -> "Portier":
        log = open(self.log_path, "ab")
        argv = [str(self.binary), "serve", "--env", self.environment, "--hostname", "127.0.0.1", "--port", str(self.port)]
        started = time.monotonic()
        self.process = subprocess.Popen(argv, cwd=self.run_dir, env=self.environment_variables(), stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        on_exit(self.stop)
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                die(f"portier exited with {self.process.returncode}; see {self.log_path}:\n" + tail(self.log_path))
            try:
                if http_request(self.port, "GET", "/", timeout=2).status == 200:
                    self.startup_seconds = time.monotonic() - started
                    return self
            except OSError:
                pass
            time.sleep(0.02)
        die(f"portier did not answer within {timeout} s; see {self.log_path}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def status(self) -> dict:
        return proc_status(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def get(self, path: str, **kwargs) -> Reply:
        return http_request(self.port, "GET", path, **kwargs)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def create_customers(portier: Portier, count: int, prefix: str, password: str) -> list[str]:
    """`portier customers create … --password-stdin` for `count` customers (one scrypt hash each)."""
    emails = []
    for index in range(count):
        email = f"{prefix}{index:04d}@example.se"
        portier.command("customers", "create", "--email", email, "--name", f"Bänk Kund {index}", "--password-stdin",
                        stdin=password + "\n")
        emails.append(email)
    return emails


# ---------------------------------------------------------------------------------------------
# nginx


class Nginx:
    """nginx on 127.0.0.1 with a configuration written for one benchmark; runs as the current
    user with every path inside the work folder."""

    def __init__(self, work: Path, server_block: str, http_extra: str = "", workers: str = "auto", sendfile: bool = True):
        self.work = work / "nginx"
        (self.work / "logs").mkdir(parents=True, exist_ok=True)
        (self.work / "tmp").mkdir(exist_ok=True)
        self.config = self.work / "nginx.conf"
        user_line = "user root;" if os.geteuid() == 0 else ""
        self.config.write_text(f"""
{user_line}
worker_processes {workers};
daemon off;
master_process on;
pid {self.work}/nginx.pid;
error_log {self.work}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {self.work}/tmp/body;
    proxy_temp_path {self.work}/tmp/proxy;
    fastcgi_temp_path {self.work}/tmp/fastcgi;
    uwsgi_temp_path {self.work}/tmp/uwsgi;
    scgi_temp_path {self.work}/tmp/scgi;
    sendfile {"on" if sendfile else "off"};
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types {{ text/html html; text/css css; application/javascript js; image/svg+xml svg; }}
    {http_extra}
    {server_block}
}}
""")
        self.process: subprocess.Popen | None = None

    def start(self) -> "Nginx":
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen([binary, "-c", str(self.config), "-p", str(self.work)],
                                        stdout=subprocess.DEVNULL, stderr=open(self.work / "logs" / "stderr.log", "ab"),
                                        start_new_session=True)
        on_exit(self.stop)
        time.sleep(0.5)
        if self.process.poll() is not None:
            die("nginx did not start:\n" + tail(self.work / "logs" / "stderr.log") + tail(self.work / "logs" / "error.log"))
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)   # graceful: master stops its workers
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# wrk


def wrk(url: str, duration: int = DURATION, connections: int = 32, threads: int = 2, script: str | None = None,
        headers: dict | None = None, env: dict | None = None, timeout_s: int = 10, background: bool = False):
    """Runs wrk (bounded by -d) with bench/lib/report.lua (or a scenario script that includes it)
    and returns its figures: rps, p50/p90/p99/max in ms, errors, plus the scenario's own counters."""
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", f"{timeout_s}s",
            "--latency", "-s", str(LIB / (script or "report.lua"))]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    variables = dict(os.environ)
    variables["BENCH_LIB"] = str(LIB)
    variables.update(env or {})
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=variables,
                               start_new_session=True)

    def _kill():
        if process.poll() is None:
            process.kill()
    on_exit(_kill)
    if background:
        return process
    return wrk_result(process, duration)


def wrk_result(process: subprocess.Popen, duration: int) -> dict:
    try:
        stdout, stderr = process.communicate(timeout=duration + 120)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    for line in stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON "):])
    die(f"wrk gave no result:\n{stdout}\n{stderr}")


def warm_up(url: str, **kwargs) -> None:
    if WARMUP > 0:
        wrk(url, duration=WARMUP, **kwargs)


# ---------------------------------------------------------------------------------------------
# Results


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |"
    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), separator] + [line(row) for row in cells[1:]])


def write_result(name: str, text: str, data: dict) -> None:
    """Prints the report and keeps it (text + JSON) in bench/out/results/ for results.md."""
    print(text, flush=True)
    folder = OUT / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text + "\n")
    (folder / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")


def header(title: str) -> str:
    facts = machine_facts()
    return (f"## {title}\n\n{facts['date']} · nproc {facts['nproc']} · {facts['cpu']} · "
            f"{facts['memory_mib']} MiB RAM · load average before the run "
            + ", ".join(f"{x:.2f}" for x in facts["load_average"]) + "\n")


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    return str(value)


def pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"
