"""Lösennycklar (passkeys) in Chromium with a virtual authenticator (WebDriver's
add_virtual_authenticator: CTAP2, internal transport, resident keys, user verification):
log in with the password, add a passkey on Säkerhet, log out, log in with "Logga in med
lösennyckel" without typing a password, then remove the key and see a login with it refused.

WebAuthn refuses an IP address as RP ID, so this module runs its own `portier serve` whose
PORTIER_BASE_URL is http://localhost:<port> (a potentially trustworthy origin, so a secure
context without TLS) and browses that, with the session server's configuration otherwise."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BINARY, DESKTOP, REPO, Portier, crash_excerpt, free_port, stop_process, strong_password, unique_email
from pages import click_and_wait_for_load, fill, log_in, path_of, submit_button, wait_for_path
from test_two_step import log_out, open_security, run_axe

TIMEOUT = 20


@pytest.fixture(scope="module")
def localhost_portier(portier: Portier, tmp_path_factory: pytest.TempPathFactory):
    """A second Portier on the session's SMTP sink and secret, reached as http://localhost:<port>."""
    workdir = tmp_path_factory.mktemp("portier-localhost")
    port = free_port()
    base_url = f"http://localhost:{port}"
    env = dict(portier.env)
    env.update({
        "PORTIER_BASE_URL": base_url,
        "PORTIER_SQLITE_PATH": str(workdir / "e2e.sqlite"),
        "PORTIER_MAIL_DIR": str(workdir / "mail"),
    })
    log_path = workdir / "portier.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = Portier(base_url=base_url, env=env, workdir=workdir, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"portier serve (localhost) exited with status {process.returncode}:\n{crash_excerpt(log_path)}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except urllib.error.HTTPError:
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"portier serve (localhost) did not answer within 120s:\n{crash_excerpt(log_path)}")
                time.sleep(0.25)
        yield server
    finally:
        stop_process(process)


def create_customer(server: Portier, email: str, name: str, password: str) -> None:
    result = server.command("customers", "create", "--email", email, "--name", name, "--password-stdin", input=password)
    assert result.returncode == 0, f"customers create failed:\n{result.stdout}{result.stderr}"


def add_virtual_authenticator(driver) -> None:
    driver.add_virtual_authenticator(VirtualAuthenticatorOptions(
        protocol=Protocol.CTAP2, transport=Transport.INTERNAL,
        has_resident_key=True, has_user_verification=True, is_user_verified=True,
    ))


# Chromium's virtual authenticator answers a conditional (autofill) request at once, as if the
# customer had picked the passkey from the e-mail field's suggestions. Pages get this first while
# the test drives the button instead.
WITHOUT_AUTOFILL = (
    "if (window.PublicKeyCredential) { Object.defineProperty(PublicKeyCredential, "
    "'isConditionalMediationAvailable', { value: function () { return Promise.resolve(false); } }); }"
)


def without_autofill(driver) -> str:
    return driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WITHOUT_AUTOFILL})["identifier"]


def wait_until(driver, condition, message: str) -> None:
    WebDriverWait(driver, TIMEOUT).until(lambda d: condition(d), message=message)


def visible_text(driver, element_id: str) -> str:
    element = driver.find_element(By.ID, element_id)
    return element.text if element.is_displayed() else ""


def test_add_a_passkey_log_in_with_it_then_remove_it(localhost_portier, browser, read_mail, request, screenshot):
    server = localhost_portier
    email, password = unique_email("losennyckel"), strong_password()
    create_customer(server, email, "Lova Lösennyckel", password)
    driver = browser(DESKTOP)
    add_virtual_authenticator(driver)
    autofill_off = without_autofill(driver)

    # Log in with the password and add a passkey on Säkerhet.
    log_in(driver, server.base_url, email, password)
    open_security(driver, DESKTOP)
    form = driver.find_element(By.ID, "passkey-add")
    wait_until(driver, lambda d: form.is_displayed(), "the 'Lägg till lösennyckel' form stays hidden although the browser has WebAuthn")
    assert not driver.find_element(By.CSS_SELECTOR, "[data-passkey-unsupported]").is_displayed()
    run_axe(driver, request, "security-passkeys")
    started = time.time()
    fill(driver.find_element(By.ID, "passkey-name"), "Virtuell nyckel")
    submit_button(form, "Lägg till lösennyckel").click()
    wait_until(
        driver, lambda d: "notice=passkey-added" in d.current_url or visible_text(d, "passkey-add-error"),
        "adding the passkey neither finished nor showed an error",
    )
    assert not visible_text(driver, "passkey-add-error"), visible_text(driver, "passkey-add-error")
    assert "Lösennyckeln är tillagd." in driver.page_source
    key = driver.find_element(By.CSS_SELECTOR, ".passkey-list .passkey")
    assert "Virtuell nyckel" in key.text and "Aldrig använd" in key.text
    screenshot(driver, "passkey-added")
    mail = read_mail(email, after=started, subject="En lösennyckel har lagts till")
    assert "Virtuell nyckel" in mail.get_body(("plain",)).get_content()

    # Log out, log in with the passkey: no password typed, no code asked.
    log_out(driver)
    driver.get(server.url("/logga-in"))
    email_field = driver.find_element(By.ID, "email")
    assert "webauthn" in email_field.get_attribute("autocomplete").split()
    button = driver.find_element(By.ID, "passkey-login-button")
    wait_until(driver, lambda d: button.is_displayed(), "'Logga in med lösennyckel' stays hidden although the browser has WebAuthn")
    run_axe(driver, request, "login-with-passkey-button")
    assert driver.find_element(By.ID, "password").get_attribute("value") == ""
    button.click()
    wait_for_path(driver, "/kundavdelning")
    assert "Lova Lösennyckel" in driver.page_source
    screenshot(driver, "logged-in-with-passkey")

    # The e-mail field's autofill (conditional mediation): the virtual authenticator picks the
    # passkey as soon as the login page asks.
    log_out(driver)
    driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": autofill_off})
    driver.get(server.url("/logga-in"))
    wait_for_path(driver, "/kundavdelning")
    without_autofill(driver)

    # Säkerhet shows the use, then the key is removed with the password.
    open_security(driver, DESKTOP)
    key = driver.find_element(By.CSS_SELECTOR, ".passkey-list .passkey")
    assert "Aldrig använd" not in key.text, "the key's last use is not shown after logging in with it"
    assert "Inloggning med lösennyckel" in driver.find_element(By.ID, "handelser").text
    remove_form = key.find_element(By.CSS_SELECTOR, "form.passkey-remove")
    fill(remove_form.find_element(By.NAME, "current_password"), password)
    click_and_wait_for_load(driver, submit_button(remove_form, "Ta bort Virtuell nyckel"))
    assert "Lösennyckeln är borttagen." in driver.page_source
    assert not driver.find_elements(By.CSS_SELECTOR, ".passkey-list .passkey")
    log_out(driver)

    # The authenticator still holds the key, but Portier refuses it now.
    driver.get(server.url("/logga-in"))
    button = driver.find_element(By.ID, "passkey-login-button")
    wait_until(driver, lambda d: button.is_displayed(), "'Logga in med lösennyckel' is hidden")
    button.click()
    wait_until(driver, lambda d: visible_text(d, "passkey-login-error"), "a login with the removed passkey showed no error")
    assert "Vi känner inte igen den lösennyckeln" in visible_text(driver, "passkey-login-error")
    assert path_of(driver) == "/logga-in"
    screenshot(driver, "removed-passkey-refused")
    driver.get(server.url("/kundavdelning"))
    assert path_of(driver) == "/logga-in", "the refused passkey login still opened the customer area"


def test_without_webauthn_the_login_page_hides_the_passkey_button(localhost_portier, browser):
    driver = browser(DESKTOP)
    # A browser without WebAuthn: the script must leave the button hidden, the form working.
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.PublicKeyCredential;"})
    driver.get(localhost_portier.url("/logga-in"))
    time.sleep(0.5)
    assert not driver.find_element(By.ID, "passkey-login-button").is_displayed()
    assert driver.find_element(By.ID, "password").is_displayed()
