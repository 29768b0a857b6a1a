"""Kundavdelningen on a phone (375 px): the overview, an unpaid invoice with the registered e-mail
address on it, and a support ticket the customer opens and replies to — and a staff reply that
arrives by e-mail with a link back to the ticket."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import DESKTOP, PHONE, strong_password, unique_email
from pages import click_and_wait_for_load, fill, log_in, path_of, submit_button, wait_for_path, with_text

UUID_PATH = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def demo_customer(portier, create_customer):
    """A fresh customer with the demo set (services, paid/unpaid/overdue invoices, tickets),
    added by `portier demo seed --email …` against the server's own database."""
    customer = create_customer(unique_email("kundavdelning"), "Karin Kundsson", strong_password())
    result = portier.command("demo", "seed", "--email", customer.email)
    assert result.returncode == 0, (
        f"`portier demo seed --email {customer.email}` failed with status {result.returncode}:\n"
        f"{result.stdout}{result.stderr}"
    )
    return customer


def area_nav_link(driver, text: str):
    links = driver.find_elements(By.XPATH, with_text("a", text, "//nav[contains(@class, 'area-nav')]//"))
    assert links, f"the customer-area navigation has no link {text!r}"
    return links[0]


def assert_no_horizontal_scroll(driver, what: str) -> None:
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{what} scrolls sideways at {driver.execute_script('return window.innerWidth')} px ({overflow} px too wide)"


def test_phone_overview_invoice_and_ticket(portier, demo_customer, browser, screenshot, read_mail):
    driver = browser(PHONE)
    log_in(driver, portier.base_url, demo_customer.email, demo_customer.password)

    # The overview: greeting, the registered address, the unpaid total and the three cards.
    heading = driver.find_element(By.TAG_NAME, "h1").text.strip()
    assert heading == f"Välkommen, {demo_customer.name}!", f"unexpected h1 {heading!r}"
    assert demo_customer.email in driver.find_element(By.CSS_SELECTOR, ".area-content .lead").text
    total = driver.find_element(By.CSS_SELECTOR, ".overview-total").text
    assert re.search(r"\d+,\d{2}\s*kr", total), f"the overview shows no unpaid total: {total!r}"
    for card_heading in ("Tjänster", "Obetalda fakturor", "Öppna ärenden"):
        assert driver.find_elements(By.XPATH, with_text("h2", card_heading)), f"the overview has no card {card_heading!r}"
    assert_no_horizontal_scroll(driver, "the overview")
    screenshot(driver, "1-overview")

    # Fakturor → Obetalda → the first unpaid invoice: the registered e-mail address is printed on it.
    click_and_wait_for_load(driver, area_nav_link(driver, "Fakturor"))
    wait_for_path(driver, "/kundavdelning/fakturor")
    filter_link = driver.find_element(By.XPATH, with_text("a", "Obetalda", "//nav[contains(@class, 'filter-tabs')]//"))
    click_and_wait_for_load(driver, filter_link)
    assert driver.find_element(By.CSS_SELECTOR, '.filter-tabs a[aria-current="page"]').text.strip() == "Obetalda"
    rows = driver.find_elements(By.CSS_SELECTOR, "table.data-table tbody tr")
    assert len(rows) == 2, f"the demo set has two unpaid invoices (one overdue), the list shows {len(rows)}"
    screenshot(driver, "2-unpaid-invoices")
    click_and_wait_for_load(driver, rows[0].find_element(By.TAG_NAME, "a"))
    assert re.fullmatch(rf"/kundavdelning/fakturor/{UUID_PATH}", path_of(driver)), driver.current_url
    invoice_email = driver.find_element(By.CSS_SELECTOR, ".invoice-email").text
    assert demo_customer.email in invoice_email, f"the invoice does not show the registered address: {invoice_email!r}"
    assert driver.find_element(By.CSS_SELECTOR, ".invoice-total td").text.strip().endswith("kr")
    print_button = driver.find_element(By.XPATH, with_text("button", "Skriv ut"))
    assert print_button.is_displayed(), "'Skriv ut' should be shown when JavaScript runs"
    assert driver.find_elements(By.CSS_SELECTOR, 'link[href="/css/invoice-print.css"][media="print"]')
    assert_no_horizontal_scroll(driver, "the invoice")
    screenshot(driver, "3-invoice")

    # Support → Nytt ärende → the form → the thread, then a reply.
    click_and_wait_for_load(driver, area_nav_link(driver, "Support"))
    wait_for_path(driver, "/kundavdelning/support")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Nytt ärende", "//main//")))
    wait_for_path(driver, "/kundavdelning/support/nytt")
    Select(driver.find_element(By.ID, "department")).select_by_visible_text("Support")
    fill(driver.find_element(By.ID, "subject"), "Webbplatsen är långsam")
    fill(driver.find_element(By.ID, "message"), "Hej!\nStartsidan tar över tio sekunder att ladda sedan i morse.")
    Select(driver.find_element(By.ID, "service_id")).select_by_index(1)
    screenshot(driver, "4-new-ticket")
    form = driver.find_element(By.ID, "subject").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Skicka ärendet"))
    assert re.fullmatch(rf"/kundavdelning/support/{UUID_PATH}", path_of(driver)), driver.current_url
    ticket_path = path_of(driver)
    assert driver.find_element(By.TAG_NAME, "h1").text.strip() == "Webbplatsen är långsam"
    assert "Ditt ärende är skickat" in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    messages = driver.find_elements(By.CSS_SELECTOR, ".ticket-message-body")
    assert [m.text for m in messages] == ["Hej!\nStartsidan tar över tio sekunder att ladda sedan i morse."]

    fill(driver.find_element(By.ID, "message"), "Nu gick det lite bättre, men fortfarande långsamt.")
    reply_form = driver.find_element(By.ID, "message").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(reply_form, "Skicka svar"))
    wait_for_path(driver, ticket_path)
    messages = driver.find_elements(By.CSS_SELECTOR, ".ticket-message-body")
    assert len(messages) == 2 and messages[-1].text == "Nu gick det lite bättre, men fortfarande långsamt."
    assert_no_horizontal_scroll(driver, "the ticket")
    screenshot(driver, "5-ticket-replied")

    # Staff answer with `portier tickets reply`; the customer gets an e-mail linking to the ticket.
    number = driver.find_element(By.XPATH, "//dt[normalize-space(.)='Ärendenummer']/following-sibling::dd[1]").text.strip()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write("Hej Karin!\nVi har flyttat din webbplats till en snabbare server.\n")
        reply_file = Path(handle.name)
    # Only mail sent from here on: logins from new browsers also mail the customer.
    replied_at = time.time()
    try:
        result = portier.command("tickets", "reply", number, "--from-file", str(reply_file), "--name", "Anna på supporten")
    finally:
        reply_file.unlink(missing_ok=True)
    assert result.returncode == 0, f"`portier tickets reply {number}` failed:\n{result.stdout}{result.stderr}"
    mail = read_mail(demo_customer.email, after=replied_at)
    assert f"ärende {number}" in str(mail["Subject"]), mail["Subject"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/kundavdelning/support/\S+", text)
    assert link and link.group(0).endswith(ticket_path), f"the mail has no link to {ticket_path}:\n{text}"
    driver.get(link.group(0))
    wait_for_path(driver, ticket_path)
    staff = driver.find_elements(By.CSS_SELECTOR, ".ticket-message-staff")
    assert staff and "Anna på supporten" in staff[-1].text and "snabbare server" in staff[-1].text
    screenshot(driver, "6-staff-reply")


def test_contact_details_keep_typed_values_on_error(portier, demo_customer, browser, screenshot):
    driver = browser(PHONE)
    log_in(driver, portier.base_url, demo_customer.email, demo_customer.password)
    click_and_wait_for_load(driver, area_nav_link(driver, "Kontaktuppgifter"))
    wait_for_path(driver, "/kundavdelning/kontaktuppgifter")

    fill(driver.find_element(By.ID, "street_address"), "Lilla gränd 3")
    fill(driver.find_element(By.ID, "postal_code"), "123")
    form = driver.find_element(By.ID, "street_address").find_element(By.XPATH, "./ancestor::form[1]")
    # Let the server validate (the browser would stop a required field left empty, not this one).
    click_and_wait_for_load(driver, submit_button(form, "Spara ändringar"))

    assert driver.find_element(By.ID, "street_address").get_attribute("value") == "Lilla gränd 3"
    assert driver.find_element(By.ID, "postal_code").get_attribute("aria-invalid") == "true"
    assert "fem siffror" in driver.find_element(By.ID, "postal_code-error").text
    screenshot(driver, "contact-details-error")

    fill(driver.find_element(By.ID, "postal_code"), "123 45")
    form = driver.find_element(By.ID, "street_address").find_element(By.XPATH, "./ancestor::form[1]")
    click_and_wait_for_load(driver, submit_button(form, "Spara ändringar"))
    assert "Dina kontaktuppgifter är sparade." in driver.find_element(By.CSS_SELECTOR, ".notice-success").text
    assert driver.find_element(By.ID, "postal_code").get_attribute("value") == "123 45"


@pytest.mark.parametrize("page", ["fakturor", "faktura", "support", "kontaktuppgifter"])
def test_customer_area_pages_have_no_serious_accessibility_violations(page, portier, demo_customer, browser, screenshot):
    axe_core_python = pytest.importorskip("axe_core_python")
    axe_selenium_python = pytest.importorskip("axe_selenium_python")
    driver = browser(DESKTOP)
    log_in(driver, portier.base_url, demo_customer.email, demo_customer.password)
    if page == "faktura":
        driver.get(portier.url("/kundavdelning/fakturor"))
        click_and_wait_for_load(driver, driver.find_element(By.CSS_SELECTOR, "table.data-table tbody a"))
    else:
        driver.get(portier.url("/kundavdelning/" + page))
    screenshot(driver, page)

    axe = axe_selenium_python.Axe(driver, script_url=str(Path(axe_core_python.__file__).with_name("axe.min.js")))
    axe.inject()
    violations = [v for v in axe.run()["violations"] if v.get("impact") in ("serious", "critical")]
    assert not violations, "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n.get("target")) for n in v["nodes"][:5])
        for v in violations
    )
