"""Several Portier instances on one PostgreSQL behind nginx (issue 14): fixtures.

Run with scripts/test (its stage "several instances"), or by hand:

    PORTIER_MULTI_DATABASE_URL="$(scripts/postgres-start --quiet)" python3 -m pytest tests/multi -q

Needs: .build/debug/portier (or PORTIER_MULTI_BINARY), nginx, psql, a PostgreSQL URL whose role
may CREATE DATABASE (PORTIER_MULTI_DATABASE_URL, else PORTIER_TEST_DATABASE_URL). Every test gets
an empty database of its own (multi_<test>_<random>, dropped afterwards), its own SMTP sink, its
own instances and nginx. When a test fails, the instances' logs, nginx's logs and the outbox
table are kept in var/test-logs/multi-artifacts/<test>/.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from harness import (
    ARTIFACTS, SECRET_KEY, Browser, Instance, MailSink, Nginx, clean_environment, free_port, nginx_binary, psql,
    snapshot_binary, with_database,
)


def pytest_sessionstart(session: pytest.Session) -> None:
    if not getattr(session.config.option, "collectonly", False):
        shutil.rmtree(ARTIFACTS, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _failed(item: pytest.Item) -> bool:
    return any(getattr(item, f"rep_{when}", None) is not None and getattr(item, f"rep_{when}").failed
               for when in ("setup", "call"))


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("PORTIER_MULTI_DATABASE_URL") or os.environ.get("PORTIER_TEST_DATABASE_URL")
    if not url:
        pytest.skip("no PostgreSQL: set PORTIER_MULTI_DATABASE_URL (e.g. \"$(scripts/postgres-start --quiet)\")")
    try:
        psql(url, "SELECT 1")
    except Exception as error:
        pytest.fail(f"PostgreSQL at PORTIER_MULTI_DATABASE_URL does not answer: {error}")
    return url


@pytest.fixture(scope="session")
def nginx_available() -> None:
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")


@pytest.fixture(scope="session")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return snapshot_binary(tmp_path_factory.mktemp("binary") / "portier")
    except RuntimeError as error:
        pytest.fail(str(error))


@dataclass
class Cluster:
    database_url: str
    sink: MailSink
    nginx: Nginx
    instances: list[Instance]
    workdir: Path
    browsers: list[Browser] = field(default_factory=list)

    def sql(self, statement: str) -> list[list[str]]:
        return psql(self.database_url, statement)

    def browser(self, client_address: str | None = None) -> Browser:
        browser = Browser(self.nginx.port, client_address)
        self.browsers.append(browser)
        return browser

    def start(self) -> None:
        """Starts every instance at (nearly) the same moment, then waits until each is ready."""
        for instance in self.instances:
            instance.start()
        for instance in self.instances:
            instance.wait_ready()

    def create_customers(self, emails: list[str], password: str | None = None, name: str = "Multi Kund") -> None:
        """`portier customers create` for each address (4 at a time; no password = no scrypt)."""
        runner = self.instances[0]

        def create(address: str) -> None:
            arguments = ["customers", "create", "--email", address, "--name", name]
            if password is not None:
                arguments.append("--password-stdin")
            result = runner.command(*arguments, input=(password + "\n") if password is not None else None)
            assert result.returncode == 0, f"`portier {' '.join(arguments)}` failed:\n{result.stdout}{result.stderr}"

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(create, emails))

    def outbox(self) -> list[list[str]]:
        return self.sql("SELECT recipient, status, attempts, coalesce(message_id, ''), coalesce(lease_owner, ''), "
                        "coalesce(leased_until::text, ''), coalesce(last_error, '') FROM outbox_messages ORDER BY created_at")

    def outbox_counts(self) -> dict[str, int]:
        return {status: int(count) for status, count in self.sql("SELECT status, count(*) FROM outbox_messages GROUP BY status")}

    def describe_outbox(self) -> str:
        try:
            rows = self.outbox()
        except Exception as error:
            return f"(outbox unreadable: {error})"
        lines = [f"outbox ({len(rows)} rows): recipient | status | attempts | message_id | lease_owner | leased_until | last_error"]
        lines += [" | ".join(row) for row in rows[:40]]
        return "\n".join(lines)


@pytest.fixture
def make_cluster(request: pytest.FixtureRequest, tmp_path: Path, database_url: str, nginx_available: None,
                 binary: Path) -> Callable[..., Cluster]:
    """make_cluster(count=2, env={}, smtp_delay=0.0, start=True) -> Cluster: an empty database,
    an SMTP sink (answering 250 `smtp_delay` s after storing), `count` instances of
    `portier serve --env production` (LOG_LEVEL=info, PORTIER_TRUSTED_PROXIES=127.0.0.1, one
    PORTIER_SECRET_KEY, PORTIER_BASE_URL = nginx) and nginx in front of them."""
    made: list[Cluster] = []
    databases: list[str] = []

    def make(count: int = 2, env: dict[str, str] | None = None, smtp_delay: float = 0.0, start: bool = True) -> Cluster:
        stem = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:30].strip("_")
        database = f"multi_{stem}_{uuid.uuid4().hex[:8]}"
        psql(database_url, f'CREATE DATABASE "{database}"')
        databases.append(database)
        url = with_database(database_url, database)
        workdir = tmp_path / f"cluster{len(made) + 1}"
        sink = MailSink(workdir / "mail", delay=smtp_delay).start()
        nginx_port = free_port()
        variables = clean_environment()
        variables.update({
            "DATABASE_URL": url,
            "PORTIER_BASE_URL": f"http://127.0.0.1:{nginx_port}",
            "PORTIER_SMTP_URL": sink.url,
            "PORTIER_MAIL_FROM": "Portier <no-reply@example.se>",
            "PORTIER_SECRET_KEY": SECRET_KEY,
            "PORTIER_TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "info",
        })
        variables.update(env or {})
        instances = [Instance(name=f"portier-{chr(ord('a') + index)}", binary=binary, workdir=workdir, env=dict(variables))
                     for index in range(count)]
        nginx = Nginx(workdir, [instance.address for instance in instances], port=nginx_port)
        cluster = Cluster(database_url=url, sink=sink, nginx=nginx, instances=instances, workdir=workdir)
        made.append(cluster)
        nginx.start()
        if start:
            cluster.start()
        return cluster

    yield make

    failed = _failed(request.node)
    for cluster in made:
        for instance in cluster.instances:
            instance.stop()
        cluster.nginx.stop()
        cluster.sink.stop()
        if failed:
            folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
            folder.mkdir(parents=True, exist_ok=True)
            for instance in cluster.instances:
                if instance.log_path.exists():
                    shutil.copyfile(instance.log_path, folder / instance.log_path.name)
            for log in (cluster.nginx.work / "logs").glob("*.log"):
                shutil.copyfile(log, folder / f"nginx-{log.name}")
            (folder / "outbox.txt").write_text(cluster.describe_outbox() + "\n")
    for database in databases:
        try:
            psql(database_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except Exception as error:  # a left-over database in a throw-away cluster is harmless
            print(f"could not drop {database}: {error}")
