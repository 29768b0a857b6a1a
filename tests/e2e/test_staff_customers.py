"""Personal › Kunder and "Logga in som kunden" (issue 12): a support member searches a customer,
opens the customer's page, logs in as the customer with a reason, sees the banner on the
customer's pages, ends it with "Avsluta" and is back on the customer's page in /personal, where
the audit entry is listed; the audit row is in the database. axe-clean at 1280 and 375 px.

The staff login (TOTP enrolment) has its own browser test; here the support member's session is
planted in the database the server uses, as the Swift tests do."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
import uuid

import pytest
from selenium.webdriver.common.by import By

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, fill, path_of, submit_button, wait_for_path, with_text
from test_two_step import run_axe

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop-1280", "phone-375"])
REASON = "Ärende 5012: kunden ser inte sin faktura"


def plant_staff_session(portier, name: str) -> tuple[str, str]:
    """A support member with a staff session whose second factor is done, written into the
    server's SQLite database (Fluent's formats: upper-case UUID text, dates as Unix seconds).
    Returns (staff id, session token)."""
    staff_id = str(uuid.uuid4()).upper()
    token = secrets.token_urlsafe(32)
    now = time.time()
    with sqlite3.connect(portier.env["PORTIER_SQLITE_PATH"], timeout=30) as database:
        database.execute(
            "INSERT INTO staff_members (id, email, name, role, password_hash, is_disabled, language, created_at) "
            "VALUES (?, ?, ?, 'support', NULL, 0, 'sv', ?)",
            (staff_id, unique_email("support"), name, now),
        )
        database.execute(
            "INSERT INTO auth_sessions (id, token_hash, subject_kind, customer_id, staff_id, impersonator_staff_id, strength, "
            "second_factor_due_at, created_at, last_seen_at, ip_address, user_agent) "
            "VALUES (?, ?, 'staff', NULL, ?, NULL, 'second_factor', NULL, ?, ?, '127.0.0.1', 'e2e')",
            (str(uuid.uuid4()).upper(), hashlib.sha256(token.encode()).hexdigest(), staff_id, now, now),
        )
    return staff_id, token


def audit_rows(portier, kind: str, staff_id: str) -> list[tuple]:
    with sqlite3.connect(portier.env["PORTIER_SQLITE_PATH"], timeout=30) as database:
        return database.execute(
            "SELECT customer_id, details FROM audit_events WHERE kind = ? AND upper(staff_id) = ?", (kind, staff_id)
        ).fetchall()


@WIDTHS
def test_support_searches_a_customer_and_logs_in_as_the_customer(width, request, portier, create_customer, browser, screenshot):
    customer = create_customer(unique_email("stodkund"), "Stina Stödkund", strong_password())
    staff_name = f"Sam Support {width}"
    staff_id, token = plant_staff_session(portier, staff_name)
    driver = browser(width)
    driver.get(portier.url("/"))
    driver.add_cookie({"name": "portier_staff_session", "value": token, "path": "/"})
    driver.get(portier.url("/personal"))
    assert path_of(driver) == "/personal"

    # Kunder in the staff navigation → search by the beginning of the e-mail address.
    links = driver.find_elements(By.XPATH, with_text("a", "Kunder", "//nav[contains(@class,'staff-nav')]//"))
    assert links, "the staff navigation has no link 'Kunder'"
    click_and_wait_for_load(driver, links[0])
    wait_for_path(driver, "/personal/kunder")
    fill(driver.find_element(By.ID, "customer-search"), customer.email.split("@")[0])
    form = driver.find_element(By.ID, "customer-search").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Sök"))
    screenshot(driver, "results")
    run_axe(driver, request, "results")
    results = driver.find_elements(By.XPATH, with_text("a", "Stina Stödkund", "//table[contains(@class,'customer-results')]//"))
    assert len(results) == 1, f"expected the customer once among the results, found {len(results)}"

    # The customer's page.
    click_and_wait_for_load(driver, results[0])
    assert path_of(driver).startswith("/personal/kunder/")
    customer_page = path_of(driver)
    assert driver.find_element(By.TAG_NAME, "h1").text == "Stina Stödkund"
    assert customer.email in driver.page_source
    run_axe(driver, request, "customer-page")

    # Logga in som kunden: the reason is required (the browser keeps an empty form from being sent).
    reason = driver.find_element(By.ID, "reason")
    assert reason.get_attribute("required") is not None
    fill(reason, REASON)
    impersonate_form = reason.find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(impersonate_form, "Logga in som kunden"))
    wait_for_path(driver, "/kundavdelning")
    banner = driver.find_element(By.CSS_SELECTOR, ".impersonation-banner")
    assert banner.is_displayed()
    assert f"Du är inloggad som Stina Stödkund av {staff_name} —" in banner.text
    screenshot(driver, "banner")
    run_axe(driver, request, "customer-area-with-banner")

    # A credential change is refused with a clear message.
    driver.get(portier.url("/kundavdelning/kontaktuppgifter"))
    password_form = driver.find_element(By.ID, "new_password").find_element(By.XPATH, "./ancestor::form[1]")
    fill(driver.find_element(By.ID, "password_current_password"), customer.password)
    fill(driver.find_element(By.ID, "new_password"), "ett helt nytt lösenord för test 2026")
    fill(driver.find_element(By.ID, "new_password_confirmation"), "ett helt nytt lösenord för test 2026")
    click_and_wait_for_load(driver, submit_button(password_form, "Byt lösenord"))
    assert "kan bara kunden själv ändra" in driver.page_source

    # Avsluta → back on the customer's page in /personal, the banner gone, the entry listed.
    driver.get(portier.url("/kundavdelning"))
    end = driver.find_element(By.XPATH, with_text("button", "Avsluta", "//div[contains(@class,'impersonation-banner')]//"))
    click_and_wait_for_load(driver, end)
    wait_for_path(driver, customer_page)
    assert not driver.find_elements(By.CSS_SELECTOR, ".impersonation-banner")
    assert "Du är inte längre inloggad som kunden." in driver.find_element(By.CSS_SELECTOR, ".notice").text
    entry = driver.find_elements(By.CSS_SELECTOR, "th[data-kind='impersonation.started']")
    assert entry and REASON in entry[0].text
    screenshot(driver, "ended")
    run_axe(driver, request, "customer-page-after")

    started = audit_rows(portier, "impersonation.started", staff_id)
    assert len(started) == 1 and started[0][1] == REASON
    assert len(audit_rows(portier, "impersonation.ended", staff_id)) == 1
    assert len(audit_rows(portier, "impersonation.change_refused", staff_id)) == 1
    assert audit_rows(portier, "staff.customer_viewed", staff_id)
