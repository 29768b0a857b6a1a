"""The seed article's way in: Logga in (or Meny → Logga in) → Kundavdelning → e-mail + password."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from conftest import CONTROL_PANEL_URL, DESKTOP, PHONE, WEBMAIL_URL, strong_password, unique_email
from pages import (
    click_and_wait_for_load, form_error, login_form, menu_summary, open_menu, path_of,
    query_of, site_header, submit_button, submit_login, visible, wait_for_path, with_text,
)

WIDTHS = pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop-1280", "phone-375"])


def go_to_login_from_header(driver, width: int) -> None:
    """Step 1 of the guide: 'Logga in' top right, or on a narrow screen Meny → 'Logga in' at the bottom."""
    layout_width = driver.execute_script("return window.innerWidth")
    assert layout_width == width, (
        f"{driver.current_url} is laid out {layout_width} px wide in a {width} px viewport "
        '(a phone needs <meta name="viewport" content="width=device-width, initial-scale=1">)'
    )
    header = site_header(driver)
    header_links = header.find_elements(By.XPATH, with_text("a", "Logga in", ".//"))
    if width >= 768:
        shown = visible(header_links)
        assert shown, "no visible header link 'Logga in' at 1280 px"
        summary = menu_summary(driver)
        assert summary is None or not summary.is_displayed(), "'Meny' should not be shown at 1280 px"
        link = shown[0]
        rect = link.rect
        assert rect["x"] + rect["width"] > width / 2, f"'Logga in' should sit at the right, it is at {rect}"
        assert rect["y"] < 200, f"'Logga in' should sit at the top, it is at {rect}"
    else:
        assert not visible(header_links), "at 375 px 'Logga in' should be hidden behind 'Meny' until it is opened"
        menu = open_menu(driver)
        menu_links = menu.find_elements(By.TAG_NAME, "a")
        assert menu_links, "the opened menu has no links"
        link = menu_links[-1]
        assert link.text.strip() == "Logga in", (
            f"the opened menu's last link should be 'Logga in', it is {link.text.strip()!r} "
            f"(links: {[a.text.strip() for a in menu_links]})"
        )
        assert link.is_displayed(), "'Logga in' in the opened menu is not visible"
    click_and_wait_for_load(driver, link)
    wait_for_path(driver, "/logga-in")


@WIDTHS
def test_header_leads_to_the_customer_area_login(width, portier, browser, screenshot):
    driver = browser(width)
    driver.get(portier.url("/"))
    screenshot(driver, "home")

    go_to_login_from_header(driver, width)
    screenshot(driver, "login-page")

    targets = driver.find_element(By.CSS_SELECTOR, "nav.login-targets")
    current = targets.find_elements(By.CSS_SELECTOR, '[aria-current="page"]')
    assert [element.text.strip() for element in current] == ["Kundavdelning"], (
        "the login-target chooser should mark exactly 'Kundavdelning' as the current target, "
        f"found {[element.text.strip() for element in current]}"
    )
    for text, url in (("Webmail", WEBMAIL_URL), ("Kontrollpanel", CONTROL_PANEL_URL)):
        links = targets.find_elements(By.XPATH, with_text("a", text, ".//"))
        assert links, f"the login-target chooser has no link {text!r}"
        assert links[0].get_attribute("href").rstrip("/") == url, (
            f"{text!r} should point at {url}, it points at {links[0].get_attribute('href')}"
        )
    email_field = driver.find_element(By.ID, "email")
    assert targets.rect["y"] < email_field.rect["y"], "the login-target chooser should be at the top, above the form"

    # "Glömt ditt lösenord?" directly after (below) the login button.
    button = submit_button(login_form(driver), "Logga in")
    following = driver.execute_script(
        """
        const button = arguments[0];
        const selector = 'a[href="/glomt-losenord"]';
        for (const sibling of [button.parentElement.nextElementSibling, button.nextElementSibling]) {
            if (!sibling) continue;
            const link = sibling.matches(selector) ? sibling : sibling.querySelector(selector);
            if (link) return link;
        }
        return null;
        """,
        button,
    )
    assert following is not None, (
        'the element right after the login button (or its container) should be the link a[href="/glomt-losenord"]'
    )
    assert following.text.strip() == "Glömt ditt lösenord?"
    assert following.is_displayed()
    assert following.rect["y"] >= button.rect["y"] + button.rect["height"] - 1, "'Glömt ditt lösenord?' should be below the button"


@WIDTHS
def test_log_in_and_out(width, portier, create_customer, browser, screenshot):
    customer = create_customer(unique_email("anna"), "Anna Andersson", strong_password())
    driver = browser(width)
    driver.get(portier.url("/"))
    go_to_login_from_header(driver, width)

    # Case-insensitive, trimmed address matching.
    submit_login(driver, f"  {customer.email.upper()}  ", customer.password)
    wait_for_path(driver, "/kundavdelning")
    screenshot(driver, "customer-area")
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert customer.name in heading, f"the customer area's <h1> should greet {customer.name!r}, it says {heading!r}"
    assert customer.email in driver.find_element(By.TAG_NAME, "body").text, (
        f"the customer area should show the registered e-mail address {customer.email}"
    )

    logout = visible(driver.find_elements(By.XPATH, with_text("button", "Logga ut")))
    if not logout and menu_summary(driver) is not None and menu_summary(driver).is_displayed():
        open_menu(driver)
        logout = visible(driver.find_elements(By.XPATH, with_text("button", "Logga ut")))
    assert logout, "no visible button 'Logga ut' in the customer area"
    click_and_wait_for_load(driver, logout[0])
    screenshot(driver, "logged-out")

    driver.get(portier.url("/kundavdelning"))
    wait_for_path(driver, "/logga-in")
    assert query_of(driver).get("next") == ["/kundavdelning"], (
        f"after logging out, /kundavdelning should redirect to the login page with next=/kundavdelning, "
        f"got {driver.current_url}"
    )


def test_direct_link_and_next_bring_the_customer_back(portier, create_customer, browser):
    """The guide's 'klicka här': /kundavdelning directly; after logging in, `next` leads back there."""
    customer = create_customer(unique_email("cecilia"), "Cecilia Ceder", strong_password())
    driver = browser(DESKTOP)
    driver.get(portier.url("/kundavdelning"))
    wait_for_path(driver, "/logga-in")
    assert query_of(driver).get("next") == ["/kundavdelning"], driver.current_url
    submit_login(driver, customer.email, customer.password)
    wait_for_path(driver, "/kundavdelning")
    assert customer.name in driver.find_element(By.TAG_NAME, "h1").text


@WIDTHS
def test_failed_login_is_neutral_and_keeps_the_address(width, portier, create_customer, browser, screenshot):
    customer = create_customer(unique_email("bertil"), "Bertil Berg", strong_password())
    driver = browser(width)
    driver.get(portier.url("/logga-in"))

    typed = f" {customer.email.upper()} "
    submit_login(driver, typed, customer.password + "-fel")
    assert path_of(driver) != "/kundavdelning", "a wrong password logged the customer in"
    screenshot(driver, "wrong-password")
    error = form_error(driver)
    assert error is not None, "a wrong password should show an error (.form-error or [role=alert])"
    wrong_password_message = error.text.strip()
    assert wrong_password_message, "the error element is empty"
    kept = driver.find_element(By.ID, "email").get_attribute("value")
    assert kept.strip().lower() == customer.email, f"the typed address should stay in #email, it holds {kept!r}"
    assert driver.find_element(By.ID, "password").get_attribute("value") == "", "the password should not be echoed back"

    submit_login(driver, unique_email("okand"), customer.password)
    error = form_error(driver)
    assert error is not None, "an unknown address should show an error (.form-error or [role=alert])"
    assert error.text.strip() == wrong_password_message, (
        "an unknown address and a wrong password should get the same neutral message: "
        f"{error.text.strip()!r} vs {wrong_password_message!r}"
    )
