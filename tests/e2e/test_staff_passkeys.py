"""Lösennycklar for staff in Chromium with a virtual authenticator: a new admin logs in to
/personal with the password and the mandatory authenticator app (codes from pyotp), adds a
passkey on Mitt konto, logs out, and logs in again with "Logga in med lösennyckel" — no password,
no code. Axe-clean at 1280 and 375 px.

Runs on the localhost Portier of test_passkeys (Chrome refuses an IP address as RP ID)."""

from __future__ import annotations

import pyotp
import pytest
from selenium.webdriver.common.by import By

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, fill, path_of, submit_button, submit_login, wait_for_path
from test_passkeys import add_virtual_authenticator, localhost_portier, visible_text, wait_until, without_autofill  # noqa: F401
from test_staff_login import staff_log_out
from test_two_step import fresh_code, run_axe

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop-1280", "phone-375"])


def create_admin(server, email: str, name: str, password: str) -> None:
    result = server.command("staff", "create", "--email", email, "--name", name, "--role", "admin", "--password-stdin", input=password)
    assert result.returncode == 0, f"`portier staff create` failed ({result.returncode}): {result.stderr}"


@WIDTHS
def test_staff_member_adds_a_passkey_and_logs_in_with_it(width, localhost_portier, browser, request, screenshot):
    server = localhost_portier
    email, password = unique_email("personal-nyckel"), strong_password()
    create_admin(server, email, "Petra Personal", password)
    driver = browser(width)
    add_virtual_authenticator(driver)
    without_autofill(driver)

    # The first login: password, then the authenticator app's set-up (mandatory before any key).
    driver.get(server.url("/personal/logga-in"))
    assert "webauthn" in driver.find_element(By.ID, "email").get_attribute("autocomplete").split()
    submit_login(driver, email, password)
    wait_for_path(driver, "/personal/logga-in/aktivera")
    secret = driver.find_element(By.ID, "two-step-secret").text.replace(" ", "")
    totp = pyotp.TOTP(secret)
    fill(driver.find_element(By.ID, "confirm_code"), fresh_code(totp, set()))
    form = driver.find_element(By.ID, "confirm_code").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Slå på tvåstegsverifiering"))
    click_and_wait_for_load(driver, driver.find_element(By.ID, "continue"))
    wait_for_path(driver, "/personal")

    # Mitt konto: details, password form, and Lösennycklar with the add form once WebAuthn is found.
    driver.get(server.url("/personal/mitt-konto"))
    assert driver.find_element(By.ID, "account-email").text == email
    add = driver.find_element(By.ID, "passkey-add")
    wait_until(driver, lambda d: add.is_displayed(), "the 'Lägg till lösennyckel' form stays hidden although the browser has WebAuthn")
    run_axe(driver, request, "staff-account")
    fill(driver.find_element(By.ID, "passkey-name"), "Personalens nyckel")
    submit_button(add, "Lägg till lösennyckel").click()
    wait_until(
        driver, lambda d: "notice=passkey-added" in d.current_url or visible_text(d, "passkey-add-error"),
        "adding the staff passkey neither finished nor showed an error",
    )
    assert not visible_text(driver, "passkey-add-error"), visible_text(driver, "passkey-add-error")
    assert "Lösennyckeln är tillagd." in driver.page_source
    key = driver.find_element(By.CSS_SELECTOR, ".passkey-list .passkey")
    assert "Personalens nyckel" in key.text and "Aldrig använd" in key.text
    screenshot(driver, "staff-passkey-added")
    run_axe(driver, request, "staff-account-with-key")

    # Log out; log in with the passkey alone.
    staff_log_out(driver)
    button = driver.find_element(By.ID, "passkey-login-button")
    wait_until(driver, lambda d: button.is_displayed(), "'Logga in med lösennyckel' stays hidden on the staff login")
    run_axe(driver, request, "staff-login-with-passkey-button")
    button.click()
    wait_for_path(driver, "/personal")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Hej, Petra Personal!"
    screenshot(driver, "staff-logged-in-with-passkey")

    driver.get(server.url("/personal/mitt-konto"))
    key = driver.find_element(By.CSS_SELECTOR, ".passkey-list .passkey")
    assert "Aldrig använd" not in key.text, "the key's last use is not shown after logging in with it"
    driver.get(server.url("/personal/granskningslogg"))
    log = driver.find_element(By.ID, "audit-events").text
    # Audit kinds are shown by their Swedish names (staff-audit-kinds.json).
    assert "Personal: lösennyckel tillagd" in log and "Personal: inloggning med lösennyckel" in log, log

    # The customers' login does not take the staff member's key.
    staff_log_out(driver)
    driver.get(server.url("/logga-in"))
    button = driver.find_element(By.ID, "passkey-login-button")
    wait_until(driver, lambda d: button.is_displayed(), "'Logga in med lösennyckel' is hidden on the customers' login")
    button.click()
    wait_until(driver, lambda d: visible_text(d, "passkey-login-error"), "a customer login with a staff passkey showed no error")
    assert "Vi känner inte igen den lösennyckeln" in visible_text(driver, "passkey-login-error")
    assert path_of(driver) == "/logga-in"
