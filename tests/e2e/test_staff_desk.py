"""The staff desk in a real browser: answering a ticket (the customer gets the mail in the SMTP
sink and sees the reply), an internal note the customer never sees, and a guide edited and
published in /personal/guider that the public page shows at once — at 1280 and 375 px, axe-clean.

Until the staff login (staffcore) is on main, a staff session is planted straight into the
server's SQLite database, exactly as the staff login would leave it (second factor done), and
its token set as the staff cookie.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, fill, log_in, path_of, submit_button, with_text


def plant_staff_session(portier, role: str, name: str) -> str:
    """A staff member of `role` and a session with its second factor done; returns the raw token.
    Ids and times are written in the same form the server writes them (read off a customer row)."""
    database = sqlite3.connect(portier.env["PORTIER_SQLITE_PATH"], timeout=30)
    try:
        row = database.execute("SELECT typeof(id), typeof(created_at) FROM customers LIMIT 1").fetchone()
        id_type, time_type = row if row is not None else ("text", "real")

        def new_id():
            value = uuid.uuid4()
            return value.bytes if id_type == "blob" else str(value).upper()

        now = time.time()
        stamp = now if time_type in ("real", "integer") else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        staff_id = new_id()
        token = secrets.token_urlsafe(32)
        with database:
            database.execute(
                "INSERT INTO staff_members (id, email, name, role, password_hash, is_disabled, language, created_at) "
                "VALUES (?, ?, ?, ?, NULL, 0, 'sv', ?)",
                (staff_id, unique_email(role), name, role, stamp),
            )
            database.execute(
                "INSERT INTO auth_sessions (id, token_hash, subject_kind, customer_id, staff_id, impersonator_staff_id, "
                "strength, second_factor_due_at, created_at, last_seen_at, ip_address, user_agent) "
                "VALUES (?, ?, 'staff', NULL, ?, NULL, 'second_factor', NULL, ?, ?, NULL, NULL)",
                (new_id(), hashlib.sha256(token.encode()).hexdigest(), staff_id, stamp, stamp),
            )
        return token
    finally:
        database.close()


def staff_browser(portier, browser, width: int, role: str, name: str):
    token = plant_staff_session(portier, role, name)
    driver = browser(width)
    driver.get(portier.url("/"))
    driver.add_cookie({"name": "portier_staff_session", "value": token, "path": "/"})
    return driver


def assert_no_horizontal_scroll(driver, what: str) -> None:
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{what} scrolls sideways at {driver.execute_script('return window.innerWidth')} px ({overflow} px too wide)"


def assert_axe_clean(driver, what: str) -> None:
    axe_core_python = pytest.importorskip("axe_core_python")
    axe_selenium_python = pytest.importorskip("axe_selenium_python")
    axe = axe_selenium_python.Axe(driver, script_url=str(Path(axe_core_python.__file__).with_name("axe.min.js")))
    axe.inject()
    violations = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
    assert not violations, f"{what}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n.get("target")) for n in v["nodes"][:5])
        for v in violations
    )


def mail_text(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_answer_a_ticket_and_write_an_internal_note(width, portier, create_customer, browser, screenshot, smtp_sink, read_mail):
    customer = create_customer(unique_email("arende"), "Karin Ärendesson", strong_password())
    subject = f"Webbplatsen svarar inte {uuid.uuid4().hex[:6]}"

    # The customer opens a ticket.
    customer_driver = browser(width)
    log_in(customer_driver, portier.base_url, customer.email, customer.password)
    customer_driver.get(portier.url("/kundavdelning/support/nytt"))
    fill(customer_driver.find_element(By.ID, "subject"), subject)
    fill(customer_driver.find_element(By.ID, "message"), "Hej! Sidan har varit nere sedan i morse.")
    click_and_wait_for_load(customer_driver, submit_button(customer_driver.find_element(By.ID, "message").find_element(By.XPATH, "./ancestor::form[1]"), "Skicka ärendet"))
    ticket_path = path_of(customer_driver)

    # Support finds it in "Väntar på oss", with the count in the navigation.
    driver = staff_browser(portier, browser, width, "support", "Anna Support")
    driver.get(portier.url("/personal/arenden"))
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == "Ärenden"
    assert driver.find_elements(By.CSS_SELECTOR, "nav.staff-nav a[aria-current=page] .badge"), "no waiting count in the navigation"
    assert_no_horizontal_scroll(driver, "the ticket queue")
    screenshot(driver, f"queue-{width}")
    assert_axe_clean(driver, "the ticket queue")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", subject)))
    assert customer.email in driver.page_source
    assert "Hej! Sidan har varit nere sedan i morse." in driver.page_source
    assert_axe_clean(driver, "the staff ticket page")

    # A reply: mailed through the outbox to the SMTP sink.
    reply = f"Hej Karin! Servern är omstartad nu ({uuid.uuid4().hex[:6]})."
    started = time.time()
    fill(driver.find_element(By.ID, "message"), reply)
    click_and_wait_for_load(driver, submit_button(driver.find_element(By.ID, "message").find_element(By.XPATH, "./ancestor::form[1]"), "Skicka svar"))
    assert "Svaret är skickat till kunden." in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    message = read_mail(customer.email, timeout=30, after=started)
    assert reply in mail_text(message), f"the reply mail does not quote the reply:\n{mail_text(message)}"

    # An internal note: staff see it, marked; it is never mailed.
    note = f"Intern: kunden har ringt två gånger ({uuid.uuid4().hex[:6]})"
    fill(driver.find_element(By.ID, "note"), note)
    click_and_wait_for_load(driver, submit_button(driver.find_element(By.ID, "note").find_element(By.XPATH, "./ancestor::form[1]"), "Spara anteckning"))
    assert note in driver.find_element(By.CSS_SELECTOR, ".ticket-message-note").text
    assert_no_horizontal_scroll(driver, "the staff ticket page")
    screenshot(driver, f"ticket-{width}")
    assert_axe_clean(driver, "the staff ticket page with a note")

    # The customer sees the reply and never the note, neither on the page nor in any mail.
    customer_driver.get(portier.url(ticket_path))
    assert reply in customer_driver.page_source
    assert "Anna Support" in customer_driver.page_source
    assert note not in customer_driver.page_source
    time.sleep(2)  # a wrongly queued mail would have reached the sink by now
    for _, stored in smtp_sink.messages():
        assert note not in mail_text(stored), "an internal note was mailed"


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_edit_and_publish_a_guide(width, portier, browser, screenshot):
    driver = staff_browser(portier, browser, width, "editor", "Eva Redaktör")
    driver.get(portier.url("/personal/guider"))
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == "Guider"
    assert_no_horizontal_scroll(driver, "the guide list")
    assert_axe_clean(driver, "the guide list")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Se ditt webbhotell")))

    sentence = f"Nyhet från redaktionen {uuid.uuid4().hex[:8]}."
    markdown = driver.find_element(By.ID, "markdown")
    markdown.send_keys("\n\n" + sentence + "\n")
    form = markdown.find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Förhandsgranska"))
    assert sentence in driver.find_element(By.CSS_SELECTOR, ".guide-preview").text
    assert_axe_clean(driver, "the guide editor with a preview")
    screenshot(driver, f"preview-{width}")

    form = driver.find_element(By.ID, "markdown").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Publicera"))
    assert "Guiden är publicerad" in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    assert_no_horizontal_scroll(driver, "the guide editor")
    assert driver.find_elements(By.XPATH, with_text("td", "Eva Redaktör")), "the version lists no author"

    visitor = browser(width)
    visitor.get(portier.url("/hjalp/webbhotell/se-ditt-webbhotell"))
    assert sentence in visitor.find_element(By.CSS_SELECTOR, ".guide-body").text
    screenshot(visitor, f"public-{width}")


def test_feedback_page(portier, browser, screenshot):
    driver = staff_browser(portier, browser, DESKTOP, "editor", "Eva Feedback")
    driver.get(portier.url("/personal/feedback"))
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == "Feedback på guider"
    assert driver.find_elements(By.CSS_SELECTOR, "svg.views-chart title"), "no chart with a title"
    screenshot(driver, "feedback")
    assert_axe_clean(driver, "the feedback page")
    phone = staff_browser(portier, browser, PHONE, "editor", "Eva Mobil")
    phone.get(portier.url("/personal/feedback"))
    assert_no_horizontal_scroll(phone, "the feedback page")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_create_publish_and_delete_a_guide(width, portier, browser, screenshot):
    """Ny guide → the editor → Publicera → the public page shows it → Avpublicera → Ta bort
    (confirmed) → the public page is gone (404)."""
    driver = staff_browser(portier, browser, width, "editor", "Eva Nyskapare")
    driver.get(portier.url("/personal/guider"))
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Ny guide")))
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == "Ny guide"
    assert_no_horizontal_scroll(driver, "the new-guide form")
    assert_axe_clean(driver, "the new-guide form")
    slug = f"testguide-{uuid.uuid4().hex[:8]}"
    title = f"Testguide {slug[-8:]}"
    fill(driver.find_element(By.ID, "title"), title)
    fill(driver.find_element(By.ID, "slug"), slug)
    Select(driver.find_element(By.ID, "language")).select_by_value("sv")
    Select(driver.find_element(By.ID, "category")).select_by_value("sv/webbhotell")
    click_and_wait_for_load(driver, submit_button(driver.find_element(By.ID, "slug").find_element(By.XPATH, "./ancestor::form[1]"), "Skapa guiden"))
    assert "Guiden är skapad" in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    editor_path = path_of(driver)
    screenshot(driver, f"new-guide-editor-{width}")

    sentence = f"Den här guiden skapades i webbläsaren {uuid.uuid4().hex[:8]}."
    fill(driver.find_element(By.ID, "markdown"), sentence + "\n")
    form = driver.find_element(By.ID, "markdown").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Publicera"))
    assert "Guiden är publicerad" in driver.find_element(By.CSS_SELECTOR, ".notice-success").text

    public_path = f"/hjalp/webbhotell/{slug}"
    visitor = browser(width)
    visitor.get(portier.url(public_path))
    assert sentence in visitor.find_element(By.CSS_SELECTOR, ".guide-body").text

    # A published guide is unpublished before it can be deleted.
    driver.get(portier.url(editor_path))
    click_and_wait_for_load(driver, submit_button(driver.find_element(By.CSS_SELECTOR, "form.guide-unpublish"), "Avpublicera"))
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Ta bort guiden")))
    assert title in driver.find_element(By.TAG_NAME, "h1").text
    assert "sparade versioner" in driver.find_element(By.ID, "delete-consequences").text
    assert_no_horizontal_scroll(driver, "the delete confirmation")
    assert_axe_clean(driver, "the delete confirmation")
    screenshot(driver, f"delete-guide-{width}")
    form = driver.find_element(By.ID, "delete-consequences").find_element(By.XPATH, "./following-sibling::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Ta bort guiden"))
    assert path_of(driver) == "/personal/guider"
    assert "Guiden är borttagen." in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    assert title not in driver.find_element(By.CSS_SELECTOR, ".area-content").text

    visitor.get(portier.url(public_path))
    assert sentence not in visitor.page_source
    try:
        urllib.request.urlopen(portier.url(public_path), timeout=30)
        raise AssertionError("the deleted guide's page still answers")
    except urllib.error.HTTPError as error:
        assert error.code == 404, f"the deleted guide's page answered {error.code}"
