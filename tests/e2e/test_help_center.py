"""The help center as a reader uses it: home → category → the seed guide → "Hjälpte den här
guiden dig?" No with a comment → a related guide → search "lösenordet"."""

from __future__ import annotations

import urllib.request

from selenium.webdriver.common.by import By

from conftest import PHONE
from pages import click_and_wait_for_load, path_of, wait_for_path, with_text

SEED_PATH = "/hjalp/inloggning-och-kontaktuppgifter/hur-loggar-jag-in-pa-kundavdelningen"


def test_reader_finds_votes_and_searches(portier, browser, screenshot):
    driver = browser(PHONE)
    driver.get(portier.url("/"))
    menu = driver.find_element(By.XPATH, with_text("summary", "Meny"))
    menu.click()
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Hjälpcenter", "//ul[@class='mobile-menu-links']//")))
    wait_for_path(driver, "/hjalp")
    screenshot(driver, "help-start")

    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Inloggning & kontaktuppgifter")))
    wait_for_path(driver, "/hjalp/inloggning-och-kontaktuppgifter")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("a", "Hur loggar jag in på Kundavdelningen?")))
    wait_for_path(driver, SEED_PATH)
    screenshot(driver, "seed-guide")

    crumbs = [li.text.strip() for li in driver.find_elements(By.CSS_SELECTOR, ".breadcrumbs li")]
    assert crumbs == ["Hem", "Inloggning & kontaktuppgifter", "Hur loggar jag in på Kundavdelningen?"], crumbs
    steps = driver.find_elements(By.CSS_SELECTOR, ".guide-body ol > li")
    assert len(steps) >= 3, "the guide should show numbered steps"
    images = driver.find_elements(By.CSS_SELECTOR, ".guide-body img")
    assert images and all(img.get_attribute("alt") for img in images), "step images need alt text"
    for image in images:  # lazy-loaded, so fetch them as the browser would when scrolled to
        with urllib.request.urlopen(image.get_attribute("src"), timeout=10) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("image/"), image.get_attribute("src")
    for heading in ("Hjälpte den här guiden dig?", "Relaterade guider", "Behöver du mer hjälp?"):
        assert driver.find_elements(By.XPATH, with_text("h2", heading)), f"the guide lacks the block {heading!r}"

    # Hjälpte den här guiden dig? → Nej → what was missing.
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Nej")))
    comment = driver.find_element(By.ID, "feedback-comment")
    comment.send_keys("Hur loggar jag in i webmailen?")
    click_and_wait_for_load(driver, driver.find_element(By.XPATH, with_text("button", "Skicka")))
    assert "Tack för ditt svar" in driver.find_element(By.ID, "feedback").text
    screenshot(driver, "voted-no")
    report = portier.command("guides", "feedback")
    assert report.returncode == 0, report.stderr
    assert "Hur loggar jag in i webmailen?" in report.stdout, report.stdout

    # A related guide.
    related = driver.find_elements(By.CSS_SELECTOR, ".related-guides a")
    assert related, "no related guides"
    target = related[0].get_attribute("href")
    click_and_wait_for_load(driver, related[0])
    assert driver.current_url == target
    assert path_of(driver) != SEED_PATH

    # Search "lösenordet" finds the login guide.
    driver.get(portier.url("/hjalp/sok?q=lösenordet"))
    titles = [a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, ".search-results h2 a")]
    assert "Hur loggar jag in på Kundavdelningen?" in titles, titles
    assert driver.find_elements(By.CSS_SELECTOR, ".search-results mark"), "matches should be highlighted"
    screenshot(driver, "search-losenordet")
