"""The chat on two `portier serve` processes on one PostgreSQL (issue 15, item 8): the visitor's
socket on instance a, the support staff member's socket on instance b, and every message,
the waiting list and the acceptance reach the other side through PostgreSQL LISTEN/NOTIFY.

The sockets go straight to each instance (not round-robin through nginx) so that the two sides
are certainly on different processes; `Origin` is the base URL (nginx's), as a browser on the
site would send it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid

import websocket  # websocket-client (tests/requirements.txt)

from harness import Browser, problem_lines

STAFF_NAME = "Sara Support"


def plant_support_session(cluster) -> dict[str, str]:
    """A support staff member and a staff session with its second factor done, written into the
    database (the staff login has tests of its own); returns the session cookie."""
    staff_id = str(uuid.uuid4())
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    cluster.sql(
        "INSERT INTO staff_members (id, email, name, role, password_hash, is_disabled, language, created_at) "
        f"VALUES ('{staff_id}', 'chat-{staff_id[:8]}@example.se', '{STAFF_NAME}', 'support', NULL, false, 'sv', now()); "
        "INSERT INTO auth_sessions (id, token_hash, subject_kind, customer_id, staff_id, impersonator_staff_id, strength, "
        "second_factor_due_at, created_at, last_seen_at, ip_address, user_agent) "
        f"VALUES ('{uuid.uuid4()}', '{digest}', 'staff', NULL, '{staff_id}', NULL, 'second_factor', NULL, now(), now(), NULL, NULL)"
    )
    return {"portier_staff_session": token}


class ChatSocket:
    """A chat socket to one instance; keeps every frame it has read."""

    def __init__(self, instance, origin: str, cookies: dict[str, str], query: str = ""):
        self.name = instance.name
        self.frames: list[dict] = []
        self.socket = websocket.create_connection(
            f"ws://{instance.address}/chatt/ws{query}", origin=origin, timeout=10,
            cookie="; ".join(f"{k}={v}" for k, v in cookies.items()),
        )

    def send(self, **frame) -> None:
        self.socket.send(json.dumps(frame))

    def next(self, kind: str, condition=lambda frame: True, timeout: float = 5.0) -> dict:
        """The next frame of `kind` meeting `condition` (earlier frames are skipped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.socket.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                text = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                break
            frame = json.loads(text)
            self.frames.append(frame)
            if frame.get("type") == kind and condition(frame):
                return frame
        raise AssertionError(f"{self.name}: no {kind} frame within {timeout:g}s; got {[f.get('type') for f in self.frames][-20:]}")

    def close(self) -> None:
        self.socket.close()


def test_chat_between_two_instances(make_cluster):
    # Open around the clock, so the run does not depend on the hour.
    cluster = make_cluster(env={"PORTIER_SUPPORT_HOURS": "daily 00:00-24:00 UTC"})
    a, b = cluster.instances
    origin = cluster.nginx.base_url
    staff_cookies = plant_support_session(cluster)

    # The support member is on instance b and switches the chat on there.
    staff = ChatSocket(b, origin, staff_cookies, "?roll=personal")
    staff.next("queue")
    staff.send(type="available", on=True)
    staff.next("queue", lambda frame: frame["available"] is True)

    # A visitor starts a chat through instance a: it shows in the waiting list on b.
    visitor_browser = Browser(a.port, "198.51.100.15")
    started = visitor_browser.submit("/logga-in", {"name": "Vera Besökare", "email": "vera@example.se"}, action="/chatt")
    assert started.status == 201, f"starting the chat answered {started.status}: {started.text[:300]}"
    chat_id = json.loads(started.text)["chat"]
    waiting = staff.next("queue", lambda frame: any(entry["chat"] == chat_id for entry in frame["waiting"]))
    assert [entry["name"] for entry in waiting["waiting"]] == ["Vera Besökare"]

    visitor = ChatSocket(a, origin, visitor_browser.cookies)
    state = visitor.next("state")
    assert state["status"] == "waiting" and state["open"] is True, state

    # b accepts; a's socket hears it.
    staff.send(type="accept", chat=chat_id)
    note = visitor.next("message", lambda frame: frame["author"] == "system")
    assert STAFF_NAME in note["text"]
    visitor.next("state", lambda frame: frame["status"] == "active")

    # Messages both ways, each within a second.
    delays = []
    for index in range(3):
        text = f"Fråga {index} från instans a"
        sent = time.monotonic()
        visitor.send(type="say", text=text)
        staff.next("message", lambda frame, text=text: frame["text"] == text)
        delays.append(time.monotonic() - sent)

        answer = f"Svar {index} från instans b <b>fet</b>"
        sent = time.monotonic()
        staff.send(type="say", chat=chat_id, text=answer)
        received = visitor.next("message", lambda frame, answer=answer: frame["text"] == answer)
        delays.append(time.monotonic() - sent)
        assert received["name"] == STAFF_NAME and received["author"] == "staff"
    assert max(delays) < 1.0, f"delivery took {max(delays):.3f}s (all: {[round(d, 3) for d in delays]})"

    # b ends the chat; a's visitor sees it ended.
    staff.send(type="end", chat=chat_id)
    visitor.next("state", lambda frame: frame["status"] == "ended")

    stored = cluster.sql(f"SELECT author, count(*) FROM chat_messages WHERE chat_id = '{chat_id}' GROUP BY author ORDER BY author")
    assert dict((author, int(count)) for author, count in stored) == {"client": 3, "staff": 3, "system": 2}
    visitor.close()
    staff.close()
    for instance in (a, b):
        problems = problem_lines(instance.log())
        assert not problems, f"{instance.name}'s log reports problems:\n" + "\n".join(problems[:15])
