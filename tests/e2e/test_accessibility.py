"""axe-core finds no serious or critical accessibility violations on the main pages (1280 px)."""

from __future__ import annotations

import json
from pathlib import Path

import axe_core_python
import pytest
from axe_selenium_python import Axe

from conftest import ARTIFACTS, DESKTOP, artifact_stem, strong_password, unique_email
from pages import log_in, without_known_axe_false_positives

# axe-selenium-python drives axe; the script itself comes from axe-core-python (axe-core 4.x),
# because the one bundled with axe-selenium-python is axe-core 3.1 from 2018.
AXE_SCRIPT = Path(axe_core_python.__file__).with_name("axe.min.js")
BLOCKING_IMPACTS = ("serious", "critical")


def describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}  [{violation['helpUrl']}]"]
    for node in violation["nodes"][:10]:
        target = ", ".join(str(part) for part in node.get("target", []))
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    {target}: {summary}")
    if len(violation["nodes"]) > 10:
        lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


@pytest.mark.parametrize("path", ["/", "/logga-in", "/kundavdelning"], ids=["home", "logga-in", "kundavdelning"])
def test_no_serious_accessibility_violations(path, request, portier, create_customer, browser, screenshot):
    driver = browser(DESKTOP)
    if path == "/kundavdelning":
        customer = create_customer(unique_email("axe"), "Astrid Axelsson", strong_password())
        log_in(driver, portier.base_url, customer.email, customer.password)
    else:
        driver.get(portier.url(path))
    screenshot(driver, "page")

    axe = Axe(driver, script_url=str(AXE_SCRIPT))
    axe.inject()
    results = axe.run()
    violations = without_known_axe_false_positives(results["violations"])
    blocking = [violation for violation in violations if violation.get("impact") in BLOCKING_IMPACTS]
    if violations:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{artifact_stem(request.node)}--axe.json").write_text(
            json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        for violation in violations:
            if violation not in blocking:
                print(f"(not failing) {describe(violation)}")
    assert not blocking, (
        f"axe-core {results.get('testEngine', {}).get('version', '?')} found {len(blocking)} serious/critical "
        f"violation(s) on {path}:\n" + "\n".join(describe(violation) for violation in blocking)
    )
