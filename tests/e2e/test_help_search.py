"""The help center's search box suggests guides while the visitor types (help-search.js):
type "losenord" → up to five titles in a listbox → ArrowDown + Enter opens the first guide; the
combobox is announced to screen readers, Escape closes it, axe finds nothing serious; and the form
still searches without JavaScript."""

from __future__ import annotations

from axe_selenium_python import Axe
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DESKTOP
from pages import TIMEOUT, click_and_wait_for_load, path_of, wait_for_path
from test_accessibility import AXE_SCRIPT, BLOCKING_IMPACTS, describe


def visible_options(driver):
    listbox = driver.find_element(By.ID, "help-search-suggestions")
    if not listbox.is_displayed():
        return []
    return listbox.find_elements(By.CSS_SELECTOR, "[role='option']")


def test_suggestions_while_typing_open_a_guide_by_keyboard(portier, browser, screenshot):
    driver = browser(DESKTOP)
    driver.get(portier.url("/hjalp"))
    box = driver.find_element(By.ID, "help-search")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"

    box.send_keys("losenord")
    WebDriverWait(driver, TIMEOUT).until(lambda d: visible_options(d))
    options = visible_options(driver)
    titles = [option.find_element(By.CSS_SELECTOR, ".search-suggestion-title").text.strip() for option in options]
    assert 1 <= len(titles) <= 5, titles
    assert any("lösenord" in title.lower() for title in titles), titles
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == "help-search-suggestions"
    status = driver.find_element(By.ID, "help-search-status")
    WebDriverWait(driver, TIMEOUT).until(lambda d: status.get_attribute("textContent").strip())
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("textContent").startswith(f"{len(titles)} förslag"), status.get_attribute("textContent")
    screenshot(driver, "suggestions")

    # axe on the page with the list open: combobox, listbox and options must be valid.
    axe = Axe(driver, script_url=str(AXE_SCRIPT))
    axe.inject()
    results = axe.run()
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, "\n".join(describe(v) for v in blocking)

    # Escape closes the list; ArrowDown opens it again on the first title.
    box.send_keys(Keys.ESCAPE)
    assert not visible_options(driver)
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys(Keys.ARROW_DOWN)
    options = visible_options(driver)
    first = options[0]
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_UP)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")

    expected = driver.execute_script(
        "return fetch('/hjalp/sok/forslag?q=losenord&lang=sv').then(r => r.json()).then(b => b.results[0].url)"
    )
    box.send_keys(Keys.ENTER)
    wait_for_path(driver, expected)
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == titles[0]


def test_the_search_form_works_without_javascript(portier, browser):
    driver = browser(DESKTOP)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get(portier.url("/hjalp"))
    box = driver.find_element(By.ID, "help-search")
    assert box.get_attribute("role") is None

    box.send_keys("losenord")
    click_and_wait_for_load(driver, driver.find_element(By.CSS_SELECTOR, ".search-form button[type='submit']"))

    assert path_of(driver) == "/hjalp/sok"
    titles = [a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, ".search-results h2 a")]
    assert any("lösenord" in title.lower() for title in titles), titles
