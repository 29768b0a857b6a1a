"""Two `portier serve` processes on one PostgreSQL behind an nginx upstream (round-robin), as in
README "Several instances" (issue 14, item 5):

(a) a login through nginx holds on both instances, and a logout through one ends it on both;
(b) 20 customers ask for a reset link through nginx: exactly 20 mails, one each;
(c) SIGKILL of one instance while mail is queued: every mail still arrives (at-least-once; a
    duplicate, if any, carries the same Message-ID);
(d) both instances started at the same moment on an empty database: both serve, every migration
    ran exactly once, no constraint or migration errors in either log;
(e) SIGTERM drains: the instance stops accepting, answers the requests in flight, finishes the
    mail it is sending, hands its leases back and exits 0; the other instance sends the rest.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from harness import Browser, problem_lines, request, wait_until

RESET_SUBJECT = "Återställ ditt lösenord"
MIGRATION_LINE = re.compile(r"\[Migrator\] Starting prepare \[.*migration: ([^\],]+)")


def addresses(prefix: str, count: int) -> list[str]:
    run = uuid.uuid4().hex[:6]
    return [f"{prefix}-{run}-{index:02d}@example.se" for index in range(count)]


def ask_for_reset(browser: Browser, address: str, timeout: float = 30):
    return browser.submit("/glomt-losenord", {"email": address}, timeout=timeout)


def ask_for_resets(cluster, emails: list[str], workers: int = 8) -> list:
    """Each address from a client address of its own (X-Forwarded-For through the trusted nginx),
    concurrently; returns the POST replies in order."""
    def one(item):
        index, address = item
        return ask_for_reset(cluster.browser(f"198.51.100.{index + 1}"), address)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, enumerate(emails)))


def wait_for_empty_outbox(cluster, timeout: float) -> None:
    """Until no row is queued or being sent."""
    def settled():
        counts = cluster.outbox_counts()
        return counts.get("queued", 0) + counts.get("sending", 0) == 0
    wait_until(settled, timeout, interval=0.5,
               message=lambda: f"the outbox did not empty within {timeout:g}s:\n{cluster.describe_outbox()}")


def assert_clean_logs(*instances) -> None:
    for instance in instances:
        problems = problem_lines(instance.log())
        assert not problems, f"{instance.name}'s log reports problems:\n" + "\n".join(problems[:15])


# ----------------------------------------------------------------------------- (a)

def test_login_holds_across_both_instances(make_cluster):
    cluster = make_cluster()
    address = addresses("login", 1)[0]
    password = f"Blåbärssylt-{uuid.uuid4().hex[:12]}"
    cluster.create_customers([address], password=password, name="Lena Lastbalans")
    browser = cluster.browser("198.51.100.77")

    login = browser.submit("/logga-in", {"email": address, "password": password})
    assert login.status == 303, f"login through nginx answered {login.status}:\n{login.text[:500]}"
    assert login.header("Location") == "/kundavdelning"
    assert "portier_session" in browser.cookies, f"no session cookie after the login: {browser.cookies}"

    served: list[str | None] = []
    logout_token = None
    for _ in range(6):
        page = browser.get("/kundavdelning")
        assert page.status == 200, f"/kundavdelning via {page.upstream} answered {page.status} (logged out?)"
        assert "Lena Lastbalans" in page.text, f"/kundavdelning via {page.upstream} does not show the customer"
        served.append(page.upstream)
        logout_token = page.csrf_token()
    counts = Counter(served)
    assert set(counts) == {instance.address for instance in cluster.instances}, \
        f"round-robin should have spread the logged-in pages over both instances: {dict(counts)}"

    # A logout through one instance ends the session on both.
    logout = browser.send("POST", "/logga-ut", form={"csrf_token": logout_token})
    assert logout.status in (302, 303), f"logout answered {logout.status}"
    after = [browser.get("/kundavdelning") for _ in range(2)]
    for page in after:
        assert page.status in (302, 303) and (page.header("Location") or "").startswith("/logga-in"), \
            f"after the logout, {page.upstream} still answered {page.status} for /kundavdelning"
    assert {page.upstream for page in after} == {instance.address for instance in cluster.instances}
    assert_clean_logs(*cluster.instances)


# ----------------------------------------------------------------------------- (b)

def test_twenty_reset_requests_send_exactly_twenty_mails(make_cluster):
    cluster = make_cluster()
    emails = addresses("reset", 20)
    cluster.create_customers(emails)

    replies = ask_for_resets(cluster, emails)
    for address, reply in zip(emails, replies):
        assert reply.status == 200 and "Vi har skickat" in reply.text, \
            f"reset request for {address} via {reply.upstream} answered {reply.status}"
    assert len({reply.upstream for reply in replies}) == 2, "nginx should have spread the requests over both instances"

    cluster.sink.wait_for_recipients(emails, timeout=60, describe=cluster.describe_outbox)
    wait_for_empty_outbox(cluster, timeout=30)
    time.sleep(2.5)  # two more polls of each worker: a second send would show up now

    mails = cluster.sink.messages()
    grouped = cluster.sink.by_recipient()
    assert len(mails) == 20, f"expected exactly 20 mails, the sink holds {len(mails)}: " \
        f"{ {k: len(v) for k, v in grouped.items() if len(v) > 1} }"
    assert sorted(grouped) == sorted(emails) and all(len(v) == 1 for v in grouped.values())
    assert len({mail.message_id for mail in mails}) == 20, "every mail should have its own Message-ID"
    for mail in mails:
        assert str(mail.message["Subject"]) == RESET_SUBJECT
        assert f"{cluster.nginx.base_url}/aterstall-losenord/" in mail.message.get_body(("plain",)).get_content()
    assert cluster.outbox_counts() == {"sent": 20}
    print(f"(b) mails sent per instance: {[(i.name, i.mails_sent()) for i in cluster.instances]}")
    assert_clean_logs(*cluster.instances)


# ----------------------------------------------------------------------------- (c)

LEASE_SECONDS = 10  # PORTIER_OUTBOX_LEASE_SECONDS (10–3600); a binary without it keeps 60 s


def test_sigkill_while_mail_is_queued_loses_no_mail(make_cluster):
    # Each SMTP session pauses 0.5 s after the message is stored, before its 250: a worker spends
    # most of its time "in the middle of a send", so the kill lands in one.
    cluster = make_cluster(env={"PORTIER_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}, smtp_delay=0.5)
    victim, survivor = cluster.instances
    emails = addresses("kill", 20)
    cluster.create_customers(emails)

    replies = ask_for_resets(cluster, emails)
    assert all(reply.status == 200 for reply in replies), [reply.status for reply in replies]

    wait_until(lambda: victim.mails_sent() >= 1, 30, interval=0.05,
               message=lambda: f"{victim.name} sent nothing within 30s:\n{cluster.describe_outbox()}")
    victim.kill()
    killed_at = time.monotonic()
    counts = cluster.outbox_counts()
    pending = counts.get("queued", 0) + counts.get("sending", 0)
    assert pending > 0, f"all mail was sent before the kill; the scenario tested nothing: {counts}"

    # nginx passes over the dead instance.
    for _ in range(4):
        page = request(cluster.nginx.port, "GET", "/")
        assert page.status == 200 and page.upstream and page.upstream.endswith(survivor.address), \
            f"after the kill, GET / through nginx answered {page.status} via {page.upstream}"

    # Rows the killed instance had leased wait for their lease to run out (10 s, or the 60 s
    # default of a binary without PORTIER_OUTBOX_LEASE_SECONDS), then the survivor sends them.
    grouped = cluster.sink.wait_for_recipients(emails, timeout=60 + 30, describe=cluster.describe_outbox)
    recovered_after = time.monotonic() - killed_at
    wait_for_empty_outbox(cluster, timeout=30)
    time.sleep(2.5)
    grouped = cluster.sink.by_recipient()

    assert sorted(grouped) == sorted(emails), f"unexpected recipients: {sorted(set(grouped) - set(emails))}"
    duplicates = {address: [mail.message_id for mail in mails] for address, mails in grouped.items() if len(mails) > 1}
    for address, message_ids in duplicates.items():
        assert len(set(message_ids)) == 1, \
            f"{address} got {len(message_ids)} mails with different Message-IDs {message_ids}: a second mail, not a resend"
    assert cluster.outbox_counts() == {"sent": 20}, cluster.describe_outbox()
    assert survivor.is_running()
    assert_clean_logs(survivor)
    print(f"(c) pending at the kill: {counts}; all delivered {recovered_after:.1f}s after it; "
          f"duplicates (same Message-ID, at-least-once): {len(duplicates)}; "
          f"sent by {victim.name}: {victim.mails_sent()}, by {survivor.name}: {survivor.mails_sent()}")


# ----------------------------------------------------------------------------- (d)

def test_simultaneous_start_on_an_empty_database_migrates_once(make_cluster):
    cluster = make_cluster(start=False)
    assert cluster.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [["0"]]
    cluster.start()  # both processes launched back to back, then both waited for

    reports = [instance.readiness() for instance in cluster.instances]
    for instance, (status, report) in zip(cluster.instances, reports):
        assert status == 200, f"{instance.name} /readyz: {status} {report}"
    detail = next(check["detail"] for check in reports[0][1]["checks"] if check["name"] == "migrations")
    applied, expected = (int(x) for x in re.match(r"(\d+) of (\d+)", detail).groups())

    rows = cluster.sql('SELECT name, count(*) FROM "_fluent_migrations" GROUP BY name ORDER BY name')
    repeated = [(name, count) for name, count in rows if count != "1"]
    assert not repeated, f"migrations recorded more than once: {repeated}"
    assert len(rows) == expected == applied, f"{len(rows)} migrations recorded, {expected} known, /readyz says {detail}"

    # One migration run: each migration prepared by exactly one of the two instances.
    prepared = Counter()
    by_instance = {}
    for instance in cluster.instances:
        names = MIGRATION_LINE.findall(instance.log())
        by_instance[instance.name] = len(names)
        prepared.update(names)
    assert prepared and all(count == 1 for count in prepared.values()), \
        f"migrations prepared more than once: { {k: v for k, v in prepared.items() if v > 1} } (per instance: {by_instance})"
    assert len(prepared) == expected, f"{len(prepared)} migrations prepared in the logs, {expected} expected ({by_instance})"

    # The guide import ran once too: one instance added the guides, the other found them unchanged.
    imports = [re.search(r"guides: (\d+) added, (\d+) updated, (\d+) removed, (\d+) unchanged", i.log()) for i in cluster.instances]
    assert all(imports), "each instance should log its guide import"
    added = sorted(int(found.group(1)) for found in imports)
    assert added[0] == 0 and added[1] > 0, f"guides added per instance: {added} (expected one import)"

    assert_clean_logs(*cluster.instances)
    upstreams = Counter()
    for _ in range(4):
        page = request(cluster.nginx.port, "GET", "/")
        assert page.status == 200, f"GET / via {page.upstream} answered {page.status}"
        upstreams[page.upstream] += 1
    assert set(upstreams) == {instance.address for instance in cluster.instances}, dict(upstreams)
    print(f"(d) migrations prepared per instance: {by_instance}; guides added per instance: {added}")


# ----------------------------------------------------------------------------- (e)

def test_sigterm_drains_and_hands_mail_to_the_other_instance(make_cluster):
    deadline_ms = 4000
    cluster = make_cluster(env={
        # Neutral mode answers every reset request exactly this long after it arrived: requests
        # that are reliably in flight when the signal comes.
        "PORTIER_RESET_REVEALS_UNKNOWN_EMAIL": "false",
        "PORTIER_RESET_NEUTRAL_DEADLINE_MS": str(deadline_ms),
        # Far longer than the test: a lease not handed back would hold its mail past the end.
        "PORTIER_OUTBOX_LEASE_SECONDS": "600",
    }, smtp_delay=0.5)
    stopping, staying = cluster.instances
    emails = addresses("term", 11)
    cluster.create_customers(emails)

    # Ten requests through nginx and one straight to the instance that will be stopped; each
    # thread fetches its form first, then all POST together.
    barrier = threading.Barrier(len(emails) + 1, timeout=60)
    replies: dict[str, object] = {}

    def one(index: int, address: str) -> None:
        if index == 0:
            browser = Browser(stopping.port, "198.51.100.200")
        else:
            browser = cluster.browser(f"198.51.100.{index + 1}")
        page = browser.get("/glomt-losenord")
        token = page.csrf_token()
        barrier.wait()
        try:
            replies[address] = browser.send("POST", "/glomt-losenord", form={"email": address, "csrf_token": token})
        except Exception as error:
            replies[address] = error

    threads = [threading.Thread(target=one, args=item) for item in enumerate(emails)]
    for thread in threads:
        thread.start()
    barrier.wait()
    time.sleep(1.0)  # every POST has arrived; their answers are due 4 s after arrival
    assert not replies, f"answers came before the neutral deadline: {replies}"

    stopping.terminate()
    signalled = time.monotonic()

    # It stops accepting connections (within 2 s even on a loaded machine) while it finishes the
    # requests in flight, whose answers are due about 3 s after the signal …
    still_accepting = True
    while still_accepting and time.monotonic() - signalled < 2.0:
        time.sleep(0.1)
        try:
            socket.create_connection(("127.0.0.1", stopping.port), timeout=1).close()
        except OSError:
            still_accepting = False
    assert not still_accepting, f"{stopping.name} still accepts connections 2 s after SIGTERM"
    assert not replies, f"the requests in flight were answered before the listener closed: {replies}"
    assert stopping.is_running(), f"{stopping.name} exited at once (status {stopping.process.returncode}) " \
        "instead of finishing the requests in flight"
    # … while nginx sends new visitors to the other one.
    for _ in range(4):
        page = request(cluster.nginx.port, "GET", "/")
        assert page.status == 200, f"during the drain, GET / through nginx answered {page.status} via {page.upstream}"

    for thread in threads:
        thread.join(timeout=30)
    for address in emails:
        reply = replies.get(address)
        assert reply is not None and not isinstance(reply, Exception) and reply.status == 200, \
            f"the reset request for {address} in flight at SIGTERM got {reply!r}"

    try:
        status = stopping.wait(timeout=20)
    except Exception:
        pytest.fail(f"{stopping.name} did not exit within 20s of SIGTERM:\n" + "\n".join(stopping.log().splitlines()[-15:]))
    drained_in = time.monotonic() - signalled
    assert status == 0, f"{stopping.name} exited with status {status} after SIGTERM:\n" + "\n".join(stopping.log().splitlines()[-15:])

    # Its leases were handed back: the other instance sends the rest long before they would expire.
    cluster.sink.wait_for_recipients(emails, timeout=30, describe=cluster.describe_outbox)
    wait_for_empty_outbox(cluster, timeout=20)
    time.sleep(2.5)
    grouped = cluster.sink.by_recipient()
    twice = {address: len(mails) for address, mails in grouped.items() if len(mails) > 1}
    assert not twice, f"a graceful stop should not resend a mail it finished sending: {twice}"
    assert cluster.outbox_counts() == {"sent": len(emails)}, cluster.describe_outbox()
    failures = [line for line in stopping.log().splitlines() if "mail delivery failed" in line]
    assert not failures, f"{stopping.name} broke off a send while stopping:\n" + "\n".join(failures)
    assert_clean_logs(*cluster.instances)
    print(f"(e) {stopping.name} exited 0 {drained_in:.1f}s after SIGTERM; sent by {stopping.name}: "
          f"{stopping.mails_sent()}, by {staying.name}: {staying.mails_sent()}")
