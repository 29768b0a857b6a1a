"""The seed article's second half at 375 px: Glömt ditt lösenord? → Återställ lösenord → the mail
→ the link → a new, strong password → logging in with it (and no longer with the old one)."""

from __future__ import annotations

import re
import time

from selenium.webdriver.common.by import By

from conftest import PHONE, strong_password, unique_email
from pages import (
    click_and_wait_for_load, fill, form_error, login_form, submit_button, submit_login,
    wait_for_path, with_text,
)


def mail_text(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the reset mail has no text/plain part"
    return part.get_content()


def test_forgotten_password_flow(portier, browser, create_customer, read_mail, screenshot):
    customer = create_customer(unique_email("glomt"), "Greta Glömsk", strong_password())
    driver = browser(PHONE)
    driver.get(portier.url("/logga-in"))

    # 1. "Glömt ditt lösenord?" sits directly below the login button.
    form = login_form(driver)
    forgot = form.find_element(By.XPATH, with_text("a", "Glömt ditt lösenord?", ".//"))
    click_and_wait_for_load(driver, forgot)
    wait_for_path(driver, "/glomt-losenord")
    screenshot(driver, "forgot-page")

    # 2. An unknown address: no customer with that address, the invoice hint, the input kept.
    fields = driver.find_elements(By.CSS_SELECTOR, "form input:not([type=hidden])")
    assert [f.get_attribute("name") for f in fields] == ["email"], "the page should have exactly one field: the e-mail address"
    unknown = unique_email("okand")
    fill(driver.find_element(By.ID, "email"), unknown)
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Återställ lösenord")))
    error = form_error(driver)
    assert error is not None and "Det finns ingen kund med den e-postadressen" in error.text, "expected the unknown-address error"
    assert "fakturorna" in error.text, "the error should point at the address on the invoices"
    assert driver.find_element(By.ID, "email").get_attribute("value") == unknown
    screenshot(driver, "unknown-address")

    # 3. The registered address: the confirmation page, then the mail with the link.
    requested_at = time.time()
    fill(driver.find_element(By.ID, "email"), customer.email)
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Återställ lösenord")))
    body = driver.find_element(By.TAG_NAME, "main").text
    assert "Vi har skickat ett mail" in body and "skräppostmapp" in body, body
    screenshot(driver, "mail-sent")

    message = read_mail(customer.email, timeout=30, after=requested_at)
    assert message["Subject"] == "Återställ ditt lösenord"
    text = mail_text(message)
    assert "Greta Glömsk" in text
    link = re.search(r"(http://\S+/aterstall-losenord/[A-Za-z0-9_-]+)", text)
    assert link, f"no reset link in the mail:\n{text}"
    assert link.group(1).startswith(portier.base_url)

    # 4. The link: a weak password is refused with the reason, a strong one accepted.
    driver.get(link.group(1))
    assert "Välj ett nytt lösenord" in driver.find_element(By.TAG_NAME, "h1").text
    screenshot(driver, "new-password-page")
    # Too short is stopped in the browser already (minlength); a common password reaches the
    # server, which refuses it with the reason.
    assert driver.find_element(By.ID, "password").get_attribute("minlength") == "12"
    fill(driver.find_element(By.ID, "password"), "password1234")
    fill(driver.find_element(By.ID, "password_confirmation"), "password1234")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Spara lösenordet")))
    error = form_error(driver)
    assert error is not None and "för vanligt" in error.text, "a common password must be refused with the reason"
    screenshot(driver, "weak-password-refused")

    new_password = strong_password()
    fill(driver.find_element(By.ID, "password"), new_password)
    fill(driver.find_element(By.ID, "password_confirmation"), new_password)
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Spara lösenordet")))
    wait_for_path(driver, "/logga-in")
    assert "Ditt lösenord är ändrat" in driver.find_element(By.TAG_NAME, "main").text
    screenshot(driver, "password-changed")
    changed = read_mail(customer.email, timeout=30, subject="Ditt lösenord har ändrats")
    assert changed["Subject"] == "Ditt lösenord har ändrats"

    # 5. The old password no longer works; the new one does.
    submit_login(driver, customer.email, customer.password)
    assert form_error(driver) is not None, "the old password must no longer log in"
    submit_login(driver, customer.email, new_password)
    wait_for_path(driver, "/kundavdelning")
    assert "Greta Glömsk" in driver.find_element(By.TAG_NAME, "h1").text
    screenshot(driver, "logged-in-with-new-password")
