"""Browser tests for Portier: a real `portier serve`, a real SMTP sink, headless Chromium.

Run with `scripts/test --e2e-only` (or `python3 -m pytest tests/e2e -q` after `swift build`).
Screenshots (at key steps and of every browser of a failed test), the page source of a failed
test and, when something failed, the server's log end up in tests/e2e/artifacts/.

Overrides for odd setups: PORTIER_E2E_BINARY (default .build/debug/portier),
PORTIER_E2E_SMTP_SINK (default tests/smtp_sink.py), PORTIER_E2E_CHROMIUM (/usr/bin/chromium),
PORTIER_E2E_CHROMEDRIVER (/usr/bin/chromedriver).
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parents[1]
ARTIFACTS = E2E_DIR / "artifacts"

BINARY = Path(os.environ.get("PORTIER_E2E_BINARY") or REPO / ".build" / "debug" / "portier")
SMTP_SINK = Path(os.environ.get("PORTIER_E2E_SMTP_SINK") or REPO / "tests" / "smtp_sink.py")
CHROMIUM = os.environ.get("PORTIER_E2E_CHROMIUM") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("PORTIER_E2E_CHROMEDRIVER") or "/usr/bin/chromedriver"

DESKTOP = 1280
PHONE = 375
WINDOW_HEIGHT = 900
WEBMAIL_URL = "https://webmail.example.se"
CONTROL_PANEL_URL = "https://cp.example.se:2222"
DEMO_PASSWORD = "e2e-Lösenord-7Kq2vX-stark"  # 16+ characters, not containing "demo"

# Every variable of the configuration contract (DESIGN § 3). The ones the harness does not set
# are set to "" (= unset for Portier), so neither the caller's environment nor a developer's
# .env file (which never overrides a variable that exists) changes what the tests see.
CONFIGURATION_VARIABLES = (
    "DATABASE_URL", "PORTIER_SQLITE_PATH", "PORTIER_BASE_URL", "PORTIER_SMTP_URL",
    "PORTIER_MAIL_FROM", "PORTIER_MAIL_DIR", "PORTIER_RESET_TOKEN_TTL",
    "PORTIER_RESET_REVEALS_UNKNOWN_EMAIL", "PORTIER_WEBMAIL_URL", "PORTIER_CONTROL_PANEL_URL",
    "PORTIER_CONTACT_EMAIL", "PORTIER_CONTACT_PHONE", "PORTIER_SUPPORT_HOURS", "PORTIER_SUPPORT_HOURS_TEXT",
    "PORTIER_DEMO_PASSWORD", "PORTIER_SECRET_KEY", "PORTIER_TRUSTED_PROXIES",
    "PORTIER_MAX_PENDING_HASHES", "PORTIER_RESET_NEUTRAL_DEADLINE_MS",
    "PORTIER_DKIM_DOMAIN", "PORTIER_DKIM_SELECTOR", "PORTIER_DKIM_PRIVATE_KEY_FILE",
)


# ----------------------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def crash_excerpt(path: Path, lines: int = 12) -> str:
    """The lines of a server log that say why it stopped (a Swift crash is followed by a long
    backtrace, so its tail is useless)."""
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    wanted = [line for line in text if re.search(r"Fatal error|\berror\b|ERROR|CRITICAL|Invalid configuration", line)]
    return "\n".join((wanted or text)[:lines]) + f"\n(full log: {ARTIFACTS / 'portier.log'})"


def stop_process(process: subprocess.Popen, grace: float = 15) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def artifact_stem(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name).strip("-")


def unique_email(prefix: str) -> str:
    """A fresh address per call, so tests never share a customer (or its throttling)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.se"


def strong_password() -> str:
    return f"Blåbärssylt-{uuid.uuid4().hex[:12]}"


# ----------------------------------------------------------------------------- reporting hooks

def pytest_sessionstart(session: pytest.Session) -> None:
    if not getattr(session.config.option, "collectonly", False):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def item_failed(item: pytest.Item) -> bool:
    return any(
        getattr(item, f"rep_{when}", None) is not None and getattr(item, f"rep_{when}").failed
        for when in ("setup", "call")
    )


# ----------------------------------------------------------------------------- SMTP sink

@dataclass
class SmtpSink:
    port: int
    directory: Path

    def messages(self) -> list[tuple[Path, email.message.EmailMessage]]:
        """Every stored message, newest first."""
        found = []
        for path in sorted(self.directory.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True):
            with path.open("rb") as handle:
                found.append((path, email.message_from_binary_file(handle, policy=email.policy.default)))
        return found

    def read_mail(
        self, to: str, timeout: float = 15, after: float | None = None, subject: str | None = None,
    ) -> email.message.EmailMessage:
        """The newest message addressed to `to` (To/Cc, case-insensitive), waiting up to `timeout` s.
        With `after` (a time.time() value), only messages stored after that moment count; with
        `subject`, only messages with exactly that (decoded) Subject."""
        wanted = to.strip().lower()
        deadline = time.monotonic() + timeout
        while True:
            for path, message in self.messages():
                # 50 ms of slack: file times come from the kernel's coarse clock.
                if after is not None and path.stat().st_mtime < after - 0.05:
                    continue
                if subject is not None and str(message.get("Subject", "")) != subject:
                    continue
                recipients = email.utils.getaddresses(
                    [str(value) for header in ("To", "Cc") for value in message.get_all(header, [])]
                )
                if any(address.lower() == wanted for _, address in recipients):
                    return message
            if time.monotonic() > deadline:
                stored = [f"{m.get('To')}: {m.get('Subject')}" for _, m in self.messages()]
                wanted_what = f"{to}" + (f" with subject {subject!r}" if subject is not None else "")
                raise AssertionError(
                    f"no e-mail to {wanted_what} arrived within {timeout:g}s; the sink holds "
                    f"{len(stored)} message(s): {stored}"
                )
            time.sleep(0.25)


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> SmtpSink:
    if not SMTP_SINK.exists():
        pytest.fail(f"SMTP sink script {SMTP_SINK} is missing")
    directory = tmp_path_factory.mktemp("mail")
    log_path = directory.parent / "smtp_sink.log"
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(SMTP_SINK), "--port", str(port), "--dir", str(directory)],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"the SMTP sink exited with status {process.returncode}:\n{tail(log_path)}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.recv(64)  # the 220 greeting
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the SMTP sink did not listen on 127.0.0.1:{port} within 20s:\n{tail(log_path)}")
                time.sleep(0.2)
        yield SmtpSink(port=port, directory=directory)
    finally:
        stop_process(process, grace=5)


@pytest.fixture(scope="session")
def read_mail(smtp_sink: SmtpSink) -> Callable[..., email.message.EmailMessage]:
    """read_mail(to, timeout=15, after=None, subject=None) -> the newest EmailMessage to `to`."""
    return smtp_sink.read_mail


# ----------------------------------------------------------------------------- Portier server

@dataclass
class Portier:
    base_url: str
    env: dict[str, str]
    workdir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)
    # The DKIM TXT record `portier dkim generate` printed for the key the server signs with.
    dkim_record: str = ""

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def command(self, *arguments: str, input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
        """Runs `.build/debug/portier ARGUMENTS` against the same database and configuration."""
        return subprocess.run(
            [str(BINARY), *arguments], input=input, text=True, capture_output=True,
            cwd=REPO, env=self.env, timeout=timeout,
        )


@pytest.fixture(scope="session")
def portier(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp_sink: SmtpSink) -> Portier:
    if not BINARY.exists():
        pytest.fail(f"{BINARY} does not exist: build it first (swift build, or scripts/test --e2e-only)")
    workdir = tmp_path_factory.mktemp("portier")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("PORTIER_TEST_DATABASE_URL", None)
    env.update({name: "" for name in CONFIGURATION_VARIABLES})
    env.update({
        "PORTIER_SQLITE_PATH": str(workdir / "e2e.sqlite"),
        "PORTIER_BASE_URL": base_url,
        "PORTIER_SMTP_URL": f"smtp://127.0.0.1:{smtp_sink.port}?starttls=never",
        "PORTIER_MAIL_DIR": str(workdir / "mail"),
        "PORTIER_DEMO_PASSWORD": DEMO_PASSWORD,
        # A fixed secret, so the run never writes var/secret.key into the checkout.
        "PORTIER_SECRET_KEY": "ZTJlLXRlc3RzLW9ubHktc2VjcmV0LWtleS0zMi1ieXRlcyE=",
        "PORTIER_WEBMAIL_URL": WEBMAIL_URL,
        "PORTIER_CONTROL_PANEL_URL": CONTROL_PANEL_URL,
        "LOG_LEVEL": "warning",
        # The chat is open whenever a support staff member is available (test_chat.py), any day and hour.
        "PORTIER_SUPPORT_HOURS": "daily 00:00-24:00 UTC",
    })
    log_path = workdir / "portier.log"

    # Every mail is DKIM-signed, with a key made by the operator command (test_dkim.py verifies).
    key_file = workdir / "dkim" / "e2e.localhost.pem"
    generated = subprocess.run(
        [str(BINARY), "dkim", "generate", "--domain", "localhost", "--selector", "e2e", "--output", str(key_file)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    if generated.returncode != 0:
        pytest.fail(f"portier dkim generate failed:\n{generated.stdout}\n{generated.stderr}")
    record_line = next(line for line in generated.stdout.splitlines() if "_domainkey" in line)
    dkim_record = "".join(record_line.split('"')[1::2])
    env.update({
        "PORTIER_DKIM_DOMAIN": "localhost",
        "PORTIER_DKIM_SELECTOR": "e2e",
        "PORTIER_DKIM_PRIVATE_KEY_FILE": str(key_file),
    })

    def keep_log() -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_path, ARTIFACTS / "portier.log")

    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = Portier(base_url=base_url, env=env, workdir=workdir, log_path=log_path, process=process, dkim_record=dkim_record)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                keep_log()
                pytest.fail(f"portier serve exited with status {process.returncode} while starting:\n{crash_excerpt(log_path)}")
            try:
                with urllib.request.urlopen(base_url + "/", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answers; the tests will say what is wrong with the answer
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    keep_log()
                    pytest.fail(f"portier serve did not answer GET {base_url}/ within 120s:\n{tail(log_path, 20)}")
                time.sleep(0.25)
        yield server
    finally:
        stop_process(process)
        if request.session.testsfailed and log_path.exists():
            keep_log()


@dataclass(frozen=True)
class Customer:
    email: str
    name: str
    password: str


@pytest.fixture(scope="session")
def create_customer(portier: Portier) -> Callable[..., Customer]:
    """create_customer(email, name, password) -> Customer, via `portier customers create`."""

    def create(email: str, name: str, password: str) -> Customer:
        result = portier.command(
            "customers", "create", "--email", email, "--name", name, "--password-stdin", input=password,
        )
        if result.returncode != 0:
            raise AssertionError(
                f"`portier customers create --email {email} --name {name!r} --password-stdin` "
                f"failed with status {result.returncode}:\n{result.stdout}{result.stderr}"
            )
        return Customer(email=email, name=name, password=password)

    return create


# ----------------------------------------------------------------------------- browser

@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[webdriver.Chrome, str], Path]:
    """screenshot(driver, step) saves tests/e2e/artifacts/<test>--<step>.png."""

    def save(driver: webdriver.Chrome, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{artifact_stem(request.node)}--{re.sub(r'[^A-Za-z0-9_.-]+', '-', step)}.png"
        driver.save_screenshot(str(path))
        return path

    return save


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Callable[..., webdriver.Chrome]:
    """browser(width=1280) -> a headless Chromium whose viewport is width x 900 CSS pixels
    (a phone, honouring <meta name="viewport">, below 768 px),
    asking for Swedish (Accept-Language sv-SE). Quit after the test; on failure a screenshot
    (tests/e2e/artifacts/<test>.png) and the page source (<test>.html) are kept first."""
    drivers: list[webdriver.Chrome] = []

    def make(width: int = DESKTOP, height: int = WINDOW_HEIGHT) -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-extensions", "--force-prefers-reduced-motion",
            "--lang=sv-SE", f"--window-size={width},{height}",
        ):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "sv-SE,sv"})
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        drivers.append(driver)
        driver.set_page_load_timeout(30)
        # Headless Chromium keeps windows at least 500 px wide and counts browser chrome in the
        # height, so the viewport is set exactly. Below 768 px it is a phone: the page's
        # <meta name="viewport"> decides the layout width, as on a real phone.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768,
        })
        # No animations or smooth scrolling: clicks land where the element is now.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-reduced-motion", "value": "reduce"}],
        })
        return driver

    yield make

    failed = item_failed(request.node)
    for index, driver in enumerate(drivers):
        try:
            if failed:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                stem = artifact_stem(request.node) + (f"-{index + 1}" if len(drivers) > 1 else "")
                driver.save_screenshot(str(ARTIFACTS / f"{stem}.png"))
                (ARTIFACTS / f"{stem}.html").write_text(
                    f"<!-- {driver.current_url} -->\n{driver.page_source}", encoding="utf-8"
                )
        except Exception as error:  # a crashed browser must not hide the test's own failure
            print(f"could not save the failure screenshot: {error}", file=sys.stderr)
        finally:
            driver.quit()
