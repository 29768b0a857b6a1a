"""The footer's language switch shows the site in English, and the choice sticks (cookie)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from conftest import DESKTOP
from pages import click_and_wait_for_load, site_header, visible, with_text


def header_link_texts(driver) -> list[str]:
    return [link.text.strip() for link in visible(site_header(driver).find_elements(By.TAG_NAME, "a"))]


def test_switching_to_english_persists(portier, browser, screenshot):
    driver = browser(DESKTOP)
    driver.get(portier.url("/"))
    assert "Logga in" in header_link_texts(driver), f"the Swedish header should offer 'Logga in': {header_link_texts(driver)}"
    assert (driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or "").startswith("sv")

    buttons = driver.find_elements(By.XPATH, "//footer//form" + with_text("button", "English", "//"))
    assert buttons, "the footer has no language form with a button 'English'"
    click_and_wait_for_load(driver, buttons[0])
    screenshot(driver, "english")
    assert "Log in" in header_link_texts(driver), f"after switching, the header should say 'Log in': {header_link_texts(driver)}"
    assert (driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or "").startswith("en"), (
        "the English page should declare <html lang=\"en\">"
    )

    # The next page, reached by its address (no query string), is still English.
    driver.get(portier.url("/logga-in"))
    screenshot(driver, "english-next-page")
    assert "Log in" in header_link_texts(driver), f"the language choice did not persist: {header_link_texts(driver)}"
    assert (driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or "").startswith("en")
    assert driver.get_cookies(), "the language choice should be kept in a cookie"
