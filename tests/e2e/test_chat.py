"""The live chat in two real browsers: a logged-in customer and a support staff member (who marks
"Tillgänglig för chatt"; the server's support hours are always open, see conftest) exchange
messages both ways over the chat socket, the customer ends the chat and has the transcript mailed
(the SMTP sink receives it with both messages); and, with nobody available, a visitor at 375 px
leaves the message, which becomes a ticket in the staff queue ("Besökare: namn <e-post>"). The
panel is opened and messages are sent with the keyboard; the pages are axe-clean.
"""

from __future__ import annotations

import re
import time
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, log_in, with_text
from test_staff_desk import assert_axe_clean, assert_no_horizontal_scroll, mail_text, staff_browser

# "Within a second or two" (plus a little slack for a loaded test machine).
DELIVERY = 3


def chat_card(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-chat-card]")


def wait_for_text(driver, selector: str, text: str, timeout: float, what: str):
    """Waits until an element matching `selector` contains `text`; returns it."""
    def found(d):
        for element in d.find_elements(By.CSS_SELECTOR, selector):
            if text in element.text:
                return element
        return False
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(found)
    except Exception:
        shown = [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]
        raise AssertionError(f"{what}: {text!r} did not appear in {selector} within {timeout}s (shown: {shown})") from None


def visible_button(scope, text: str, timeout: float = 10):
    def found(_):
        for element in scope.find_elements(By.XPATH, with_text("button", text, ".//")):
            if element.is_displayed():
                return element
        return False
    return WebDriverWait(scope, timeout, poll_frequency=0.1).until(found)


def open_panel_with_keyboard(driver, button_text: str):
    """Tabs to the chat card's button (focus) and opens the panel with Enter."""
    card = chat_card(driver)
    opener = visible_button(card, button_text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); arguments[0].focus()", opener)
    assert driver.switch_to.active_element == opener, "the chat button cannot take the keyboard focus"
    opener.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, ".chat-panel").is_displayed())


def send_with_keyboard(driver, text: str):
    field = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "chat-message") if d.find_element(By.ID, "chat-message").is_displayed() else False)
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def set_available(driver, portier, on: bool):
    driver.get(portier.url("/personal/chatt"))
    form = driver.find_element(By.CSS_SELECTOR, "form.chat-availability")
    label = "Tillgänglig för chatt" if on else "Inte tillgänglig"
    click_and_wait_for_load(driver, form.find_element(By.XPATH, with_text("button", label, ".//")))
    expected = "Du är tillgänglig för chatt." if on else "Du är inte tillgänglig för chatt."
    assert expected in driver.find_element(By.CSS_SELECTOR, "form.chat-availability").text


def test_customer_and_staff_chat_both_ways_then_the_transcript_is_mailed(portier, create_customer, browser, screenshot, read_mail):
    customer = create_customer(unique_email("chatt"), "Karin Chattsson", strong_password())
    staff = staff_browser(portier, browser, DESKTOP, "support", "Sam Support")
    set_available(staff, portier, True)
    try:
        driver = browser(DESKTOP)
        log_in(driver, portier.base_url, customer.email, customer.password)
        driver.get(portier.url("/kontakt"))
        wait_for_text(driver, ".chat-status", "Chatten är öppen", 10, "the chat card")
        open_panel_with_keyboard(driver, "Starta chatten")

        question = f"Hej! Min webbplats är nere ({uuid.uuid4().hex[:6]})"
        send_with_keyboard(driver, question)
        wait_for_text(driver, ".chat-log", question, DELIVERY, "the customer's own message")

        # The staff member sees the waiting chat (pushed over the socket), accepts it, sees the message.
        staff.get(portier.url("/personal/chatt"))
        item = wait_for_text(staff, ".chat-queue-item", "Karin Chattsson", 10, "the staff queue")
        item.find_element(By.XPATH, with_text("button", "Ta chatten", ".//")).click()
        pane = wait_for_text(staff, ".chat-pane", question, DELIVERY, "the staff member's pane")
        wait_for_text(driver, ".chat-status", "Du chattar med supporten.", DELIVERY, "the customer's status")

        answer = f"Hej Karin, jag tittar på det nu ({uuid.uuid4().hex[:6]})."
        field = pane.find_element(By.TAG_NAME, "textarea")
        field.send_keys(answer)
        sent = time.monotonic()
        field.send_keys(Keys.ENTER)
        wait_for_text(driver, ".chat-log", answer, DELIVERY, "the staff member's answer on the customer's side")
        assert time.monotonic() - sent < DELIVERY

        follow_up = f"Tack, nu fungerar det ({uuid.uuid4().hex[:6]})"
        sent = time.monotonic()
        send_with_keyboard(driver, follow_up)
        wait_for_text(staff, ".chat-pane", follow_up, DELIVERY, "the customer's reply on the staff side")
        assert time.monotonic() - sent < DELIVERY
        screenshot(driver, "customer-chatting")
        screenshot(staff, "staff-chatting")
        assert_axe_clean(driver, "the contact page with the chat panel open")
        assert_axe_clean(staff, "/personal/chatt with a chat pane")

        # The customer ends the chat and asks for the transcript: it reaches the SMTP sink.
        visible_button(chat_card(driver), "Avsluta chatten").click()
        wait_for_text(driver, ".chat-status", "Chatten är avslutad.", DELIVERY, "the ended chat")
        started = time.time()
        visible_button(chat_card(driver), "Mejla mig chatten").click()
        wait_for_text(driver, ".chat-status", "Chatten skickas till", DELIVERY, "the transcript notice")
        mail = read_mail(customer.email, timeout=30, after=started, subject="Din chatt med supporten")
        text = mail_text(mail)
        for expected in (question, answer, follow_up, "Sam Support"):
            assert expected in text, f"the transcript mail lacks {expected!r}:\n{text}"

        # The chat is under Support, with who answered; its page shows the transcript.
        driver.get(portier.url("/kundavdelning/support"))
        chats = driver.find_element(By.ID, "chattar").find_element(By.XPATH, "following-sibling::div[1]")
        assert "Sam Support" in chats.text and "Avslutad" in chats.text
        click_and_wait_for_load(driver, chats.find_element(By.CSS_SELECTOR, "tbody a"))
        assert question in driver.page_source and answer in driver.page_source
        assert_axe_clean(driver, "a past chat")
    finally:
        set_available(staff, portier, False)


def test_a_closed_chat_is_left_as_a_ticket_at_375_px(portier, browser, screenshot, read_mail):
    name = f"Vera Besökare {uuid.uuid4().hex[:4]}"
    address = unique_email("besokare")
    driver = browser(PHONE)
    driver.get(portier.url("/kontakt"))
    wait_for_text(driver, ".chat-status", "Chatten är stängd just nu", 10, "the closed chat card")
    open_panel_with_keyboard(driver, "Skriv ett meddelande")
    driver.find_element(By.ID, "chat-name").send_keys(name)
    email_field = driver.find_element(By.ID, "chat-email")
    email_field.send_keys(address)
    email_field.send_keys(Keys.ENTER)  # submits the name-and-e-mail form

    message = f"Min e-post fungerar inte sedan i går ({uuid.uuid4().hex[:6]})"
    send_with_keyboard(driver, message)
    wait_for_text(driver, ".chat-log", message, DELIVERY, "the visitor's message")
    assert_no_horizontal_scroll(driver, "the chat panel")
    screenshot(driver, "visitor-panel-375")
    assert_axe_clean(driver, "the chat panel at 375 px")

    started = time.time()
    visible_button(chat_card(driver), "Spara som ärende").click()
    note = wait_for_text(driver, ".chat-log", "Meddelandet sparades som ärende", DELIVERY, "the saved note")
    number = re.search(r"ärende (\d+)", note.text).group(1)
    receipt = read_mail(address, timeout=30, after=started, subject=f"Vi har tagit emot ditt meddelande (ärende {number})")
    assert message in mail_text(receipt)

    # It is a ticket in the staff queue, from the visitor, with the whole message.
    staff = staff_browser(portier, browser, PHONE, "support", "Anna Support")
    staff.get(portier.url("/personal/arenden"))
    row = wait_for_text(staff, "tbody tr", name, 5, "the staff ticket queue")
    assert "Besökare" in row.text and address in row.text
    click_and_wait_for_load(staff, row.find_element(By.TAG_NAME, "a"))
    assert f"Besökare: {name} <{address}>" in staff.find_element(By.CSS_SELECTOR, ".ticket-visitor").text
    assert message in staff.find_element(By.CSS_SELECTOR, ".ticket-thread").text
    assert_no_horizontal_scroll(staff, "a visitor's ticket")
    assert_axe_clean(staff, "a visitor's ticket")

    # The answer is mailed to the visitor.
    reply = f"Hej! Vi har rättat din e-post ({uuid.uuid4().hex[:6]})."
    started = time.time()
    staff.find_element(By.ID, "message").send_keys(reply)
    form = staff.find_element(By.ID, "message").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(staff, form.find_element(By.XPATH, with_text("button", "Skicka svar", ".//")))
    answer = read_mail(address, timeout=30, after=started)
    assert reply in mail_text(answer)
