"""The running binary as an operator's monitoring sees it: /healthz and /readyz in JSON, and
/metrics parsed by the Prometheus project's own parser, with Vapor's request metrics by route."""

import json
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def get(portier, path):
    try:
        with urllib.request.urlopen(portier.url(path), timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_health_readiness_and_metrics(portier):
    status, _, body = get(portier, "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"

    deadline = time.monotonic() + 30
    while True:
        status, _, body = get(portier, "/readyz")
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    report = json.loads(body)
    assert status == 200, report
    assert {check["name"] for check in report["checks"]} == {"database", "migrations", "outbox_worker", "outbox_queue"}

    get(portier, "/logga-in")
    status, headers, body = get(portier, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(body)}
    assert "portier_logins" in families or "portier_logins_total" in families
    requests = [sample for name, family in families.items() if name.startswith("http_requests") for sample in family.samples]
    assert any(sample.labels.get("path") == "/logga-in" and sample.value >= 1 for sample in requests), requests[:5]
