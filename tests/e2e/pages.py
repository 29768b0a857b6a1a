"""Small page helpers shared by the browser tests (selectors follow the HTML contract)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from selenium.common.exceptions import NoSuchElementException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15


def xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


def with_text(tag: str, text: str, scope: str = "//") -> str:
    """XPath for `tag` elements whose whitespace-normalised text is exactly `text`."""
    return f"{scope}{tag}[normalize-space(.)={xpath_literal(text)}]"


def path_of(driver: WebDriver) -> str:
    return urlparse(driver.current_url).path


def query_of(driver: WebDriver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def wait_for_path(driver: WebDriver, path: str, timeout: float = TIMEOUT) -> None:
    try:
        WebDriverWait(driver, timeout).until(lambda d: path_of(d) == path)
    except TimeoutException:
        raise AssertionError(f"expected to reach {path}, but the browser is at {driver.current_url}") from None


def click_and_wait_for_load(driver: WebDriver, element: WebElement, timeout: float = TIMEOUT) -> None:
    """Clicks something that submits or navigates, and waits until the next page has loaded.

    The old page is marked with a JavaScript property; the next document does not have it.
    (Waiting for an element of the old page to go stale races with Chromium replacing the
    document: chromedriver then reports "Node with given id does not belong to the document".)"""
    marker = f"portierE2E{time.monotonic_ns()}"
    driver.execute_script(f"window.{marker} = true")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    description = describe(element)
    element.click()

    def next_page_loaded(d: WebDriver) -> bool:
        try:
            return bool(d.execute_script(f"return !window.{marker} && document.readyState === 'complete'"))
        except WebDriverException:  # the document is being replaced right now
            return False

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.1).until(next_page_loaded)
    except TimeoutException:
        raise AssertionError(f"clicking {description} did not load a new page within {timeout}s "
                             f"(still at {driver.current_url})") from None


def describe(element: WebElement) -> str:
    try:
        return f"<{element.tag_name}> {element.text.strip()!r}"
    except Exception:
        return "the element"


def site_header(driver: WebDriver) -> WebElement:
    headers = driver.find_elements(By.TAG_NAME, "header")
    assert headers, f"the page {driver.current_url} has no <header>"
    return headers[0]


def menu_summary(driver: WebDriver) -> WebElement | None:
    """The header's <summary> with the text Meny, if there is one."""
    found = site_header(driver).find_elements(By.XPATH, with_text("summary", "Meny", ".//"))
    return found[0] if found else None


def open_menu(driver: WebDriver) -> WebElement:
    """Opens the header's Meny and returns its <details> element."""
    summary = menu_summary(driver)
    assert summary is not None, "the header has no <summary> with the text 'Meny'"
    assert summary.is_displayed(), "the header's 'Meny' is not visible"
    details = summary.find_element(By.XPATH, "./ancestor::details[1]")
    if details.get_attribute("open") is None:
        summary.click()
        WebDriverWait(driver, TIMEOUT).until(lambda d: details.get_attribute("open") is not None)
    return details


def visible(elements: list[WebElement]) -> list[WebElement]:
    return [element for element in elements if element.is_displayed()]


def login_form(driver: WebDriver) -> WebElement:
    try:
        return driver.find_element(By.ID, "password").find_element(By.XPATH, "./ancestor::form[1]")
    except NoSuchElementException:
        raise AssertionError(f"no login form (a <form> around #password) on {driver.current_url}") from None


def submit_button(form: WebElement, text: str) -> WebElement:
    found = form.find_elements(
        By.XPATH, with_text("button", text, ".//") + f" | .//input[@type='submit' and @value={xpath_literal(text)}]"
    )
    assert found, f"the form has no button with the text {text!r}"
    return found[0]


def fill(element: WebElement, value: str) -> None:
    element.clear()
    element.send_keys(value)


def submit_login(driver: WebDriver, email: str, password: str) -> None:
    """Fills #email and #password on the current login page and clicks 'Logga in'."""
    form = login_form(driver)
    fill(driver.find_element(By.ID, "email"), email)
    fill(driver.find_element(By.ID, "password"), password)
    click_and_wait_for_load(driver, submit_button(form, "Logga in"))


def log_in(driver: WebDriver, base_url: str, email: str, password: str) -> None:
    driver.get(base_url + "/logga-in")
    submit_login(driver, email, password)
    wait_for_path(driver, "/kundavdelning")


def form_error(driver: WebDriver) -> WebElement | None:
    found = visible(driver.find_elements(By.CSS_SELECTOR, ".form-error, [role=alert]"))
    return found[0] if found else None


def without_known_axe_false_positives(violations: list[dict]) -> list[dict]:
    """`violations` without the one axe-core 4.4 (the version axe-core-python bundles) reports in
    error: the HTML autofill token `webauthn` (HTML Living Standard § 4.10.18.7.1, later accepted
    by axe-core) is newer than that axe, so `autocomplete="username webauthn"` — the login page's
    e-mail field asking the browser to offer passkeys — fails its autocomplete-valid rule. Only
    that exact attribute value is dropped; every other node of every rule stays."""
    kept = []
    for violation in violations:
        nodes = violation.get("nodes", [])
        if violation.get("id") == "autocomplete-valid":
            nodes = [node for node in nodes if 'autocomplete="username webauthn"' not in node.get("html", "")]
            if not nodes:
                continue
            violation = {**violation, "nodes": nodes}
        kept.append(violation)
    return kept
