"""Personal: the first admin made with `portier staff create`, the staff login with mandatory
two-step verification — set up by reading the secret off the page (codes from pyotp), ten backup
codes shown once — then logins with a code and with a backup code (once), Medarbetare and the
audit log, axe-clean at 1280 and 375 px."""

from __future__ import annotations

import pyotp
import pytest
from selenium.webdriver.common.by import By

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, fill, path_of, submit_button, submit_login, wait_for_path, with_text
from test_two_step import fresh_code, run_axe

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop-1280", "phone-375"])


def create_admin(portier, email: str, password: str) -> None:
    result = portier.command(
        "staff", "create", "--email", email, "--name", "Ada Admin", "--role", "admin", "--password-stdin", input=password,
    )
    assert result.returncode == 0, f"`portier staff create` failed ({result.returncode}): {result.stderr}"
    assert f"Created staff member {email}" in result.stdout, result.stdout


def staff_log_out(driver) -> None:
    button = driver.find_element(By.XPATH, with_text("button", "Logga ut", "//nav[contains(@class,'staff-nav')]//"))
    click_and_wait_for_load(driver, button)
    wait_for_path(driver, "/personal/logga-in")
    assert "Du är utloggad." in driver.find_element(By.CSS_SELECTOR, ".notice-success").text


def give_staff_code(driver, code: str) -> None:
    wait_for_path(driver, "/personal/logga-in/kod")
    fill(driver.find_element(By.ID, "code"), code)
    form = driver.find_element(By.ID, "code").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Fortsätt"))


def staff_password_step(driver, portier, email: str, password: str) -> None:
    driver.get(portier.url("/personal/logga-in"))
    submit_login(driver, email, password)


@WIDTHS
def test_staff_login_with_mandatory_two_step(width, request, portier, browser, screenshot):
    email = unique_email("personal")
    password = strong_password()
    create_admin(portier, email, password)
    driver = browser(width)

    # The login page, and the first login's set-up.
    driver.get(portier.url("/personal/logga-in"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Logga in för personal"
    run_axe(driver, request, "staff-login")
    submit_login(driver, email, "ett helt fel lösenord 1")
    assert path_of(driver) == "/personal/logga-in"
    assert "E-postadressen eller lösenordet stämmer inte." in driver.find_element(By.ID, "login-error").text
    submit_login(driver, email, password)
    wait_for_path(driver, "/personal/logga-in/aktivera")
    driver.get(portier.url("/personal"))
    wait_for_path(driver, "/personal/logga-in/aktivera")   # nothing else opens before the second factor

    svg = driver.find_element(By.CSS_SELECTOR, ".qr-code svg")
    assert svg.is_displayed() and svg.get_attribute("role") == "img"
    secret = driver.find_element(By.ID, "two-step-secret").text.replace(" ", "")
    assert len(secret) == 32, f"the secret should be 32 base32 characters, it is {secret!r}"
    link = driver.find_element(By.ID, "otpauth-link").get_attribute("href")
    assert link.startswith("otpauth://totp/") and f"secret={secret}" in link
    screenshot(driver, "enrol")
    run_axe(driver, request, "staff-enrol")

    totp = pyotp.TOTP(secret)
    used: set[str] = set()
    fill(driver.find_element(By.ID, "confirm_code"), fresh_code(totp, used))
    form = driver.find_element(By.ID, "confirm_code").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Slå på tvåstegsverifiering"))
    codes = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "#backup-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10, f"expected ten backup codes, found {codes}"
    screenshot(driver, "backup-codes")
    run_axe(driver, request, "staff-backup-codes")
    click_and_wait_for_load(driver, driver.find_element(By.ID, "continue"))
    wait_for_path(driver, "/personal")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Hej, Ada Admin!"
    run_axe(driver, request, "staff-home")

    # Medarbetare and the audit log (admin) — the login is in the log.
    driver.get(portier.url("/personal/medarbetare"))
    assert email in driver.find_element(By.ID, "staff-members").text
    run_axe(driver, request, "staff-members")
    driver.get(portier.url("/personal/granskningslogg"))
    table = driver.find_element(By.ID, "audit-events").text
    # Kinds are shown by their Swedish labels, not their codes.
    assert "Personal: inloggning" in table and "Personal: tvåstegsverifiering påslagen" in table, table
    assert "staff.login.succeeded" not in table, table
    screenshot(driver, "audit-log")
    run_axe(driver, request, "audit-log")
    staff_log_out(driver)

    # Password, then a code from the app.
    staff_password_step(driver, portier, email, password)
    wait_for_path(driver, "/personal/logga-in/kod")
    run_axe(driver, request, "staff-code")
    give_staff_code(driver, fresh_code(totp, used))
    wait_for_path(driver, "/personal")
    staff_log_out(driver)

    # A backup code, once.
    staff_password_step(driver, portier, email, password)
    give_staff_code(driver, codes[0])
    wait_for_path(driver, "/personal")
    staff_log_out(driver)
    staff_password_step(driver, portier, email, password)
    give_staff_code(driver, codes[0])
    assert path_of(driver) == "/personal/logga-in/kod", "a used backup code logged in a second time"
    assert "Koden stämmer inte" in driver.find_element(By.ID, "code-error").text
