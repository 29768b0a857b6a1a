"""Säkerhet: two-step verification set up by reading the secret off the page (codes from pyotp),
login with a code and with a backup code (once), ending another session from Inloggade
enheter, the new-device e-mail, and axe at 1280 and 375 px."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyotp
import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, DESKTOP, PHONE, artifact_stem, strong_password, unique_email
from pages import (
    click_and_wait_for_load, fill, log_in, path_of, submit_button, submit_login, wait_for_path, with_text,
    without_known_axe_false_positives,
)

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop-1280", "phone-375"])


def open_security(driver, width: int) -> None:
    """Kundavdelningen → Säkerhet through the side navigation (on a phone it is in the page)."""
    links = driver.find_elements(By.XPATH, with_text("a", "Säkerhet", "//nav[contains(@class,'area-nav')]//"))
    assert links, "the customer area's navigation has no link 'Säkerhet'"
    click_and_wait_for_load(driver, links[0])
    wait_for_path(driver, "/kundavdelning/sakerhet")


def fresh_code(totp: pyotp.TOTP, used: set[str]) -> str:
    """The current code, waiting for the next 30-second step when this one was used already
    (Portier refuses a used step, as it should)."""
    code = totp.now()
    while code in used:
        time.sleep(30 - time.time() % 30 + 0.2)
        code = totp.now()
    used.add(code)
    return code


def enrol(driver, width: int, on_setup=None) -> tuple[pyotp.TOTP, list[str], set[str]]:
    """Säkerhet → 'Slå på tvåstegsverifiering' → read the secret → confirm with pyotp's code.
    `on_setup(driver)` runs on the set-up page (QR code and secret showing)."""
    open_security(driver, width)
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Slå på tvåstegsverifiering")))
    if on_setup:
        on_setup(driver)
    secret = driver.find_element(By.ID, "two-step-secret").text.replace(" ", "")
    assert len(secret) == 32, f"the secret should be 32 base32 characters in groups of four, it is {secret!r}"
    svg = driver.find_element(By.CSS_SELECTOR, ".qr-code svg")
    assert svg.is_displayed() and svg.get_attribute("role") == "img"
    link = driver.find_element(By.ID, "otpauth-link").get_attribute("href")
    assert link.startswith("otpauth://totp/") and f"secret={secret}" in link
    totp = pyotp.TOTP(secret)
    used: set[str] = set()
    fill(driver.find_element(By.ID, "confirm_code"), fresh_code(totp, used))
    form = driver.find_element(By.ID, "confirm_code").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Slå på tvåstegsverifiering"))
    codes = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "#backup-codes code")]
    assert len(codes) == 10, f"expected ten backup codes after turning it on, found {codes}"
    assert not driver.find_elements(By.ID, "two-step-secret"), "the secret is still on the page after enrolment"
    return totp, codes, used


def log_out(driver) -> None:
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Logga ut", "//nav[contains(@class,'area-nav')]//")))


def give_code(driver, code: str) -> None:
    wait_for_path(driver, "/logga-in/kod")
    fill(driver.find_element(By.ID, "code"), code)
    form = driver.find_element(By.ID, "code").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Fortsätt"))


def run_axe(driver, request, label: str) -> None:
    axe_core_python = pytest.importorskip("axe_core_python")
    axe_selenium_python = pytest.importorskip("axe_selenium_python")
    axe = axe_selenium_python.Axe(driver, script_url=str(Path(axe_core_python.__file__).with_name("axe.min.js")))
    axe.inject()
    violations = [v for v in without_known_axe_false_positives(axe.run()["violations"]) if v.get("impact") in ("serious", "critical")]
    if violations:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"{artifact_stem(request.node)}--{label}--axe.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8")
    assert not violations, f"{label}: " + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n.get("target")) for n in v["nodes"][:5])
        for v in violations
    )


@WIDTHS
def test_enrol_then_log_in_with_a_code_and_with_a_backup_code_once(width, request, portier, create_customer, browser, screenshot):
    customer = create_customer(unique_email("tvasteg"), "Tova Tvåsteg", strong_password())
    driver = browser(width)
    log_in(driver, portier.base_url, customer.email, customer.password)

    def check_setup_page(driver) -> None:
        screenshot(driver, "setup")
        run_axe(driver, request, "setup")

    totp, backup_codes, used = enrol(driver, width, on_setup=check_setup_page)
    screenshot(driver, "backup-codes")
    run_axe(driver, request, "two-step-on")
    log_out(driver)

    # Password, then a code from the app.
    driver.get(portier.url("/logga-in"))
    submit_login(driver, customer.email, customer.password)
    wait_for_path(driver, "/logga-in/kod")
    screenshot(driver, "code-page")
    run_axe(driver, request, "code-page")
    driver.get(portier.url("/kundavdelning"))
    wait_for_path(driver, "/logga-in/kod")   # the pending login reaches nothing else
    give_code(driver, fresh_code(totp, used))
    wait_for_path(driver, "/kundavdelning")
    log_out(driver)

    # A backup code, once.
    driver.get(portier.url("/logga-in"))
    submit_login(driver, customer.email, customer.password)
    give_code(driver, backup_codes[0])
    wait_for_path(driver, "/kundavdelning")
    driver.get(portier.url("/kundavdelning/sakerhet"))
    assert "Reservkoder kvar: 9 av 10." in driver.find_element(By.ID, "backup-codes-remaining").text
    log_out(driver)

    driver.get(portier.url("/logga-in"))
    submit_login(driver, customer.email, customer.password)
    give_code(driver, backup_codes[0])
    assert path_of(driver) == "/logga-in/kod", "a used backup code logged in a second time"
    assert "Koden stämmer inte" in driver.find_element(By.ID, "code-error").text


def test_ending_another_session_logs_that_browser_out(portier, create_customer, browser, read_mail, screenshot):
    customer = create_customer(unique_email("enheter"), "Erik Enhet", strong_password())
    first = browser(DESKTOP)
    log_in(first, portier.base_url, customer.email, customer.password)
    started = time.time()
    second = browser(PHONE)
    log_in(second, portier.base_url, customer.email, customer.password)

    # The second browser was new to the account: the new-device e-mail.
    mail = read_mail(customer.email, after=started, subject="Ny inloggning på ditt konto")
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Chrome på Linux" in body and "/kundavdelning/sakerhet" in body, body

    open_security(first, DESKTOP)
    devices = first.find_elements(By.CSS_SELECTOR, ".device-list .device")
    assert len(devices) == 2, f"expected two logged-in devices, found {len(devices)}"
    assert first.find_elements(By.XPATH, with_text("span", "Den här enheten"))
    other = [device for device in devices if not device.find_elements(By.XPATH, with_text("span", "Den här enheten", ".//"))]
    screenshot(first, "devices")
    click_and_wait_for_load(first, other[0].find_element(By.TAG_NAME, "button"))
    assert "Enheten är utloggad." in first.find_element(By.CSS_SELECTOR, ".notice-success").text
    assert len(first.find_elements(By.CSS_SELECTOR, ".device-list .device")) == 1

    second.get(portier.url("/kundavdelning"))
    wait_for_path(second, "/logga-in")
