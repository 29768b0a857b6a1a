#!/usr/bin/env python3
"""Takes the screenshots used by the help-center guides in Resources/Guides/.

Starts `.build/debug/portier serve` on a throw-away SQLite file and a free port (development
environment: the demo customer demo@example.se is created with a known password, mail is written
as .eml files to a temporary directory), drives a headless Chromium through the screens the
guides describe and saves small PNGs into Resources/Guides/<lang>/<category>/images/.

Usage: scripts/screenshots [--only NAME[,NAME...]] [--keep] [--list]
  --only   save only the named images (file names without .png)
  --keep   keep the temporary directory (database, mail, server log) and print its path
  --list   print the images this script makes and exit

Re-runnable: every run overwrites the images it makes. Screens of the customer area that do not
exist yet (no 200, or still the "byggs just nu" placeholder) are skipped with a printed note.
The server runs from a temporary working directory that links the repository's files and holds a
copy of Resources/Guides, where an image a guide names but no run has taken yet gets a
placeholder: the help center refuses to start on a missing image, the repository never sees it.
The flows: the forgotten-password flow for demo@example.se (its reset link read from the newest
.eml; the new password is saved, so the later logins use it), an e-mail change that is never
confirmed, and for the English recovery pages a second customer made with `portier customers`.
Overrides: PORTIER_SCREENSHOTS_BINARY, PORTIER_SCREENSHOTS_CHROMIUM,
PORTIER_SCREENSHOTS_CHROMEDRIVER.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

REPO = Path(__file__).resolve().parent.parent
GUIDES = REPO / "Resources" / "Guides"
BINARY = Path(os.environ.get("PORTIER_SCREENSHOTS_BINARY") or REPO / ".build" / "debug" / "portier")
CHROMIUM = os.environ.get("PORTIER_SCREENSHOTS_CHROMIUM") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("PORTIER_SCREENSHOTS_CHROMEDRIVER") or "/usr/bin/chromedriver"

DEMO_EMAIL = "demo@example.se"
DEMO_PASSWORD = "skarmbild-demo-Lösenord-2026"
NEW_PASSWORD = "blåbär cykel fönster moln"
UNKNOWN_EMAIL = "finns.inte@example.se"
NEW_EMAIL = "ny.adress@example.se"
EN_EMAIL = "karin.kund@example.se"
WEBMAIL_URL = "https://webmail.example.se"
CONTROL_PANEL_URL = "https://kontrollpanel.example.se"

DESKTOP = (1280, 800)
PHONE = (375, 740)
MAX_BYTES = 150 * 1024

# Every variable of the configuration contract: the ones not set below are set to "" (= unset),
# so neither the caller's environment nor a developer's .env file changes the screens.
CONFIGURATION_VARIABLES = (
    "DATABASE_URL", "PORTIER_SQLITE_PATH", "PORTIER_BASE_URL", "PORTIER_SMTP_URL",
    "PORTIER_MAIL_FROM", "PORTIER_MAIL_DIR", "PORTIER_RESET_TOKEN_TTL",
    "PORTIER_RESET_REVEALS_UNKNOWN_EMAIL", "PORTIER_WEBMAIL_URL", "PORTIER_CONTROL_PANEL_URL",
    "PORTIER_CONTACT_EMAIL", "PORTIER_CONTACT_PHONE", "PORTIER_SUPPORT_HOURS", "PORTIER_SUPPORT_HOURS_TEXT",
    "PORTIER_DEMO_PASSWORD",
)

SV_LOGIN = GUIDES / "sv" / "inloggning-och-kontaktuppgifter" / "images"
SV_BILLING = GUIDES / "sv" / "fakturor-och-betalning" / "images"
SV_DOMAINS = GUIDES / "sv" / "domaner" / "images"
SV_HOSTING = GUIDES / "sv" / "webbhotell" / "images"
SV_EMAIL = GUIDES / "sv" / "e-post" / "images"
SV_SUPPORT = GUIDES / "sv" / "support" / "images"
EN_LOGIN = GUIDES / "en" / "login-and-contact-details" / "images"

saved: list[str] = []
current_password = DEMO_PASSWORD  # becomes NEW_PASSWORD once the reset has been saved
skipped: list[str] = []


# ----------------------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Server:
    base_url: str
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen
    env: dict
    site: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def command(self, *arguments: str, input: str | None = None) -> subprocess.CompletedProcess:
        """`portier ARGUMENTS` against the same database and configuration."""
        return subprocess.run([str(BINARY), *arguments], input=input, text=True, capture_output=True,
                              cwd=self.site, env=self.env, timeout=120)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


IMAGE_REFERENCE = re.compile(r"!\[[^\]]*\]\((images/[^)\s]+)\)")
def make_site_directory(workdir: Path) -> Path:
    """The server's working directory: the repository's files linked in, except Resources/Guides,
    which is copied. Guides may name screenshots this script has not taken yet (the help center
    refuses to start then), so a missing image gets a placeholder in the copy, never in the repo."""
    site = workdir / "site"
    (site / "Resources").mkdir(parents=True)
    for entry in REPO.iterdir():
        if entry.name not in ("Resources", ".env"):
            (site / entry.name).symlink_to(entry)
    for entry in (REPO / "Resources").iterdir():
        if entry.name != "Guides":
            (site / "Resources" / entry.name).symlink_to(entry)
    if GUIDES.exists():
        shutil.copytree(GUIDES, site / "Resources" / "Guides")
        for guide in (site / "Resources" / "Guides").glob("*/*/*.md"):
            for source in IMAGE_REFERENCE.findall(guide.read_text(encoding="utf-8")):
                image = guide.parent / source
                if not image.exists():
                    image.parent.mkdir(parents=True, exist_ok=True)
                    from PIL import Image

                    Image.new("RGB", (8, 8), "white").save(image)
                    print(f"  (placeholder for the server only: {image.relative_to(site / 'Resources' / 'Guides')})")
    return site


def start_server(workdir: Path) -> Server:
    if not BINARY.exists():
        sys.exit(f"screenshots: {BINARY} does not exist; build it first (swift build)")
    site = make_site_directory(workdir)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    mail_dir = workdir / "mail"
    env = dict(os.environ)
    env.update({name: "" for name in CONFIGURATION_VARIABLES})
    env.update({
        "PORTIER_SQLITE_PATH": str(workdir / "screenshots.sqlite"),
        "PORTIER_BASE_URL": base_url,
        "PORTIER_DEMO_PASSWORD": DEMO_PASSWORD,
        "PORTIER_MAIL_DIR": str(mail_dir),
        "PORTIER_WEBMAIL_URL": WEBMAIL_URL,
        "PORTIER_CONTROL_PANEL_URL": CONTROL_PANEL_URL,
        "LOG_LEVEL": "warning",
    })
    log_path = workdir / "portier.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(BINARY), "serve", "--hostname", "127.0.0.1", "--port", str(port)],
            cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = Server(base_url, mail_dir, log_path, process, env, site)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            sys.exit(f"screenshots: portier serve exited with status {process.returncode}:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=5):
                break
        except urllib.error.HTTPError:
            break
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                server.stop()
                sys.exit(f"screenshots: portier serve did not answer within 120s:\n{tail(log_path)}")
            time.sleep(0.25)
    print(f"portier serve is up on {base_url} (database and mail in {workdir})")
    return server


def newest_link(server: Server, after: float, path_prefix: str, timeout: float = 30) -> str:
    """The first link to `path_prefix`<token> in the newest .eml written after `after`, as a path
    on this server (the development file transport writes every mail there)."""
    pattern = re.compile(r"https?://[^\s<>\"']*" + re.escape(path_prefix) + r"[A-Za-z0-9_\-]+")
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(server.mail_dir.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        for path in files:
            if path.stat().st_mtime < after - 1:
                continue
            with path.open("rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            match = pattern.search(body.get_content() if body is not None else "")
            if match:
                link = match.group(0)
                return link[link.index(path_prefix):]
        if time.monotonic() > deadline:
            raise RuntimeError(f"no e-mail with a {path_prefix} link arrived in {server.mail_dir} within {timeout:g}s")
        time.sleep(0.25)


def status_of(server: Server, driver: webdriver.Chrome, path: str) -> int:
    """The HTTP status of GET path with the browser's cookies (no redirects followed)."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(server.url(path), headers={"Cookie": cookie, "Accept-Language": "sv"})
    try:
        with opener.open(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# ----------------------------------------------------------------------------- browser

def make_browser(language: str, size: tuple[int, int]) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    accept = "sv-SE,sv" if language == "sv" else "en-GB,en"
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--no-first-run", "--disable-extensions", "--hide-scrollbars",
        "--force-prefers-reduced-motion", "--force-device-scale-factor=1",
        f"--lang={'sv-SE' if language == 'sv' else 'en-GB'}", f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": accept})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    resize(driver, size)
    return driver


def resize(driver: webdriver.Chrome, size: tuple[int, int]) -> None:
    # Headless Chromium keeps windows at least 500 px wide: set the viewport exactly instead.
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768,
    })


def settle(driver: webdriver.Chrome) -> None:
    driver.execute_script("return document.fonts ? document.fonts.ready : null")
    time.sleep(0.2)


def full_page_png(driver: webdriver.Chrome) -> bytes:
    return driver.get_screenshot_as_png()


def rects_of(driver: webdriver.Chrome, elements: list[WebElement]) -> list[list[float]]:
    return [driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];", e)
        for e in elements]


def crop_to(driver: webdriver.Chrome, elements: list[WebElement], padding: int = 12) -> "Image.Image":
    """A screenshot cropped to the union of `elements` (plus padding). When they are taller than
    the window, the window grows for the shot (up to 3000 px) and shrinks back afterwards."""
    from PIL import Image

    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.execute_script("window.scrollTo(0, 0)")
    rects = rects_of(driver, elements)
    needed = int(max(r[3] for r in rects) - min(r[1] for r in rects)) + 2 * padding + 48
    grown = needed > height
    if grown:
        resize(driver, (width, min(needed, 3000)))
    try:
        top_in_page = min(r[1] for r in rects)
        driver.execute_script("window.scrollTo(0, arguments[0])", max(0, top_in_page - padding - 24))
        settle(driver)
        rects = rects_of(driver, elements)
        left = max(0, int(min(r[0] for r in rects)) - padding)
        top = max(0, int(min(r[1] for r in rects)) - padding)
        right = int(max(r[2] for r in rects)) + padding
        bottom = int(max(r[3] for r in rects)) + padding
        image = Image.open(io.BytesIO(full_page_png(driver)))
        right, bottom = min(right, image.width), min(bottom, image.height)
        return image.crop((left, top, right, bottom))
    finally:
        if grown:
            resize(driver, (width, height))


def viewport(driver: webdriver.Chrome) -> "Image.Image":
    from PIL import Image

    settle(driver)
    return Image.open(io.BytesIO(full_page_png(driver)))


def page_view(driver: webdriver.Chrome) -> "Image.Image":
    """The top of the page (header and main content, no footer), at most one window high."""
    driver.execute_script("window.scrollTo(0, 0)")
    image = viewport(driver)
    bottom = driver.execute_script("return document.querySelector('main').getBoundingClientRect().bottom")
    return image.crop((0, 0, image.width, max(200, min(image.height, int(bottom)))))


def save(image: "Image.Image", folder: Path | tuple[Path, ...], name: str, what: str) -> None:
    """Saves `image` as <folder>/<name>.png (into every folder of a tuple: each category's guides
    may only use images in its own images/ folder)."""
    from PIL import Image

    if isinstance(folder, tuple):
        for each in folder:
            save(image, each, name, what)
        return
    if not (folder.parent / "_category.md").exists():
        skip(f"{folder.parent.name}/{name}", f"{folder.parent.relative_to(REPO)} has no _category.md (the help center would reject the folder)")
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    image = image.convert("RGB")
    image.save(path, optimize=True)
    # Keep every image small: strip metadata, then fewer colours, then smaller, until it fits.
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    while path.stat().st_size > MAX_BYTES:
        image = image.resize((int(image.width * 0.85), int(image.height * 0.85)), Image.Resampling.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    if has_imagemagick():
        subprocess.run(["convert", str(path), "-strip", str(path)], check=False)
    relative = path.relative_to(REPO)
    size = path.stat().st_size
    print(f"  saved {relative}  ({Image.open(path).width}x{Image.open(path).height}, {size // 1024} KB)  {what}")
    saved.append(str(relative))


def has_imagemagick() -> bool:
    """Pillow writes no metadata already; a real ImageMagick (not a stand-in) strips once more."""
    if not shutil.which("convert"):
        return False
    result = subprocess.run(["convert", "-version"], capture_output=True, text=True, check=False)
    return result.returncode == 0 and "ImageMagick" in result.stdout


def skip(name: str, reason: str) -> None:
    print(f"  SKIPPED {name}: {reason}")
    skipped.append(f"{name}: {reason}")


def find(driver: webdriver.Chrome, css: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, css)


def exists(driver: webdriver.Chrome, css: str) -> bool:
    return bool(driver.find_elements(By.CSS_SELECTOR, css))


def card_of(driver: webdriver.Chrome) -> WebElement:
    """The main card of an auth-style page, else <main>."""
    cards = driver.find_elements(By.CSS_SELECTOR, "main .auth-layout > .card, main section.card")
    return cards[0] if cards else find(driver, "main")


def is_placeholder(driver: webdriver.Chrome) -> bool:
    return exists(driver, "main .empty-state") and "byggs just nu" in find(driver, "main").text


def login(driver: webdriver.Chrome, server: Server, password: str) -> None:
    driver.get(server.url("/logga-in"))
    find(driver, "#email").clear()
    find(driver, "#email").send_keys(DEMO_EMAIL)
    find(driver, "#password").send_keys(password)
    find(driver, "form.stack-form button[type=submit]").click()
    deadline = time.monotonic() + 30
    while "/kundavdelning" not in driver.current_url:
        if time.monotonic() > deadline:
            raise RuntimeError(f"login as {DEMO_EMAIL} did not reach /kundavdelning (at {driver.current_url})")
        time.sleep(0.2)


# ----------------------------------------------------------------------------- the screens

def public_swedish(server: Server, wanted) -> None:
    global current_password
    print("Swedish, public pages:")
    driver = make_browser("sv", DESKTOP)
    try:
        driver.get(server.url("/"))
        if wanted("header-logga-in"):
            save(crop_to(driver, [find(driver, "header.site-header")], padding=0), SV_LOGIN, "header-logga-in",
                 "sidhuvudet med Logga in högst upp till höger (1280 bred)")

        driver.get(server.url("/logga-in"))
        if wanted("inloggning-kundavdelning"):
            save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "inloggning-kundavdelning",
                 "inloggningsformuläret med valen Kundavdelning, Webmail och Kontrollpanel")
        if wanted("inloggning-val"):
            save(crop_to(driver, [find(driver, "nav.login-targets")], padding=8), (SV_LOGIN, SV_EMAIL, SV_HOSTING), "inloggning-val",
                 "valen överst i formuläret")
        if wanted("glomt-losenord-lank"):
            save(crop_to(driver, [find(driver, "form.stack-form .form-actions"), find(driver, "form.stack-form .forgot-link")], padding=16),
                 SV_LOGIN, "glomt-losenord-lank", "länken Glömt ditt lösenord? under Logga in-knappen")

        driver.get(server.url("/glomt-losenord"))
        if wanted("glomt-losenord-sidan"):
            save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "glomt-losenord-sidan",
                 "sidan Glömt ditt lösenord? med fältet E-postadress")

        if wanted("okand-e-postadress"):
            find(driver, "#email").send_keys(UNKNOWN_EMAIL)
            find(driver, "form.stack-form button[type=submit]").click()
            settle(driver)
            save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "okand-e-postadress",
                 "felmeddelandet Det finns ingen kund med den e-postadressen")

        if any(wanted(n) for n in ("kolla-din-e-post", "valj-nytt-losenord", "losenordet-ar-andrat")):
            driver.get(server.url("/glomt-losenord"))
            started = time.time()
            find(driver, "#email").send_keys(DEMO_EMAIL)
            find(driver, "form.stack-form button[type=submit]").click()
            settle(driver)
            if wanted("kolla-din-e-post"):
                save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "kolla-din-e-post",
                     "sidan Kolla din e-post")
            link = newest_link(server, started, "/aterstall-losenord/")
            print(f"  (reset link from the newest .eml: {link[:32]}…)")
            driver.get(server.url(link))
            settle(driver)
            if exists(driver, "#password"):
                find(driver, "#password").send_keys(NEW_PASSWORD)
                find(driver, "#password_confirmation").send_keys(NEW_PASSWORD)
                find(driver, "main h1").click()  # blur: the rules and the meter update
                settle(driver)
            if wanted("valj-nytt-losenord"):
                save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "valj-nytt-losenord",
                     "sidan Välj ett nytt lösenord med reglerna och båda fälten ifyllda")
            if wanted("losenordet-ar-andrat"):
                find(driver, "form.stack-form button[type=submit]").click()
                settle(driver)
                if "notice=password-changed" in driver.current_url:
                    save(crop_to(driver, [card_of(driver)]), SV_LOGIN, "losenordet-ar-andrat",
                         "inloggningen efter bytet: Ditt lösenord är ändrat")
                    current_password = NEW_PASSWORD
                else:
                    skip("losenordet-ar-andrat", f"saving the new password did not return to the login page (at {driver.current_url})")

        driver.get(server.url("/kontakt"))
        if wanted("behover-du-mer-hjalp") and exists(driver, "section.help-contact"):
            save(crop_to(driver, [find(driver, "section.help-contact")]), SV_SUPPORT, "behover-du-mer-hjalp",
                 "blocket Behöver du mer hjälp? med e-post, chatt och telefon")
        if wanted("sprakval-sidfot"):
            save(crop_to(driver, [find(driver, "form.language-switch")], padding=40), SV_LOGIN, "sprakval-sidfot",
                 "länken English i sidfoten")
    finally:
        driver.quit()

    print("Swedish, phone (375 wide):")
    driver = make_browser("sv", PHONE)
    try:
        driver.get(server.url("/"))
        if wanted("header-meny"):
            save(crop_to(driver, [find(driver, "header.site-header")], padding=0), SV_LOGIN, "header-meny",
                 "smal skärm: sidhuvudet med Meny")
        if wanted("meny-oppen"):
            find(driver, "summary.menu-toggle").click()
            settle(driver)
            menu = find(driver, ".mobile-menu-links")
            bottom = driver.execute_script("return arguments[0].getBoundingClientRect().bottom", menu)
            image = viewport(driver)
            save(image.crop((0, 0, image.width, min(image.height, int(bottom)))), SV_LOGIN, "meny-oppen",
                 "smal skärm: den öppnade menyn med Logga in längst ner")
    finally:
        driver.quit()


def customer_area(server: Server, wanted) -> None:
    print("Swedish, customer area (logged in as demo@example.se):")
    driver = make_browser("sv", DESKTOP)

    def visit(path: str | None, label: str, shots: list[tuple[str, Path | tuple[Path, ...], str, str]]) -> bool:
        """Opens `path` (unless None: stay) and saves each (name, folder(s), css, what) crop.
        Skips with a note when the page does not answer 200 or is still a placeholder."""
        names = [name for name, *_ in shots if wanted(name)]
        if not names:
            return False
        if path is None:
            for name in names:
                skip(name, f"no {label} to show")
            return False
        status = status_of(server, driver, path)
        if status != 200:
            for name in names:
                skip(name, f"GET {path} answered {status}")
            return False
        driver.get(server.url(path))
        settle(driver)
        if is_placeholder(driver):
            for name in names:
                skip(name, f"{path} still shows the 'byggs just nu' placeholder")
            return False
        for name, folder, css, what in shots:
            if not wanted(name):
                continue
            found = driver.find_elements(By.CSS_SELECTOR, css)
            if found:
                save(crop_to(driver, found), folder, name, what)
            else:
                skip(name, f"{path} has no element {css!r}")
        return True

    try:
        login(driver, server, current_password)
        settle(driver)
        visit("/kundavdelning", "overview", [
            ("kundavdelning-oversikt", SV_LOGIN, ".area-layout", "Kundavdelningen: Översikt"),
            ("kundavdelning-meny", SV_LOGIN, "nav.area-nav", "Kundavdelningens meny med Logga ut"),
        ])
        visit("/kundavdelning/tjanster", "services", [
            ("tjanster-lista", (SV_HOSTING, SV_DOMAINS, SV_EMAIL), ".area-content", "Tjänster: webbhotell, domäner och e-postpaket"),
        ])
        hosting = first_link(server, driver, "/kundavdelning/tjanster", r"^/kundavdelning/tjanster/[^/]+$",
                             prefer=("webbhotell", "hosting"))
        visit(hosting, "hosting service", [
            ("webbhotell-tjanst", SV_HOSTING, ".area-content > .back-link, .area-content > h1, .area-content > .lead, .area-content > dl.details",
             "ett webbhotells sida: paket, status, pris och nästa förfallodag"),
            ("webbhotell-inloggningar", (SV_HOSTING, SV_EMAIL), ".service-logins", "Logga in på tjänsten: Kontrollpanel och Webmail"),
        ])
        visit("/kundavdelning/fakturor", "invoices", [
            ("fakturor-lista", SV_BILLING, ".area-content", "Fakturor med filtren Alla, Obetalda, Betalda, Förfallna"),
        ])
        overdue_filter = first_link(server, driver, "/kundavdelning/fakturor", r"^/kundavdelning/fakturor\?.*overdue")
        visit(overdue_filter, "overdue filter", [
            ("fakturor-forfallna", SV_BILLING, ".area-content > h1, .area-content > .lead, .area-content > .filter-tabs, .area-content > .table-wrap, .area-content > .empty-state",
             "Fakturor filtrerade på Förfallna"),
        ])
        invoice = first_link(server, driver, "/kundavdelning/fakturor", r"^/kundavdelning/fakturor/[^/?]+$",
                             prefer=("förfallen",))
        visit(invoice, "invoice", [
            ("faktura", SV_BILLING, ".area-content", "en faktura med moms, förfallodatum och Skriv ut"),
            ("faktura-skriv-ut", SV_BILLING, ".invoice-toolbar", "knappen Skriv ut på fakturan"),
        ])
        visit("/kundavdelning/support", "support", [
            ("support-arenden", SV_SUPPORT, ".area-content", "Support: dina ärenden och Nytt ärende"),
        ])
        visit("/kundavdelning/support/nytt", "new ticket", [
            ("nytt-arende", (SV_SUPPORT, SV_BILLING, SV_DOMAINS), ".area-content", "formuläret Nytt ärende"),
        ])
        ticket = first_link(server, driver, "/kundavdelning/support", r"^/kundavdelning/support/[0-9a-f-]{36}$")
        visit(ticket, "ticket", [
            ("arende", SV_SUPPORT, ".area-content > .back-link, .area-content > h1, .area-content > dl, .area-content > h2, .ticket-thread",
             "ett ärende med meddelandena"),
            ("arende-svara", SV_SUPPORT, ".ticket-reply, form.ticket-close", "Svara med Skicka svar, och Stäng ärendet"),
        ])
        visit("/kundavdelning/kontaktuppgifter", "contact details", [
            ("kontaktuppgifter", SV_LOGIN, "section[aria-labelledby='details-heading']", "Kontaktuppgifter: Namn och adress"),
            ("byt-e-postadress", SV_LOGIN, "section#e-post", "Kontaktuppgifter: Byt e-postadress"),
            ("byt-losenord", SV_LOGIN, "section#losenord", "Kontaktuppgifter: Byt lösenord"),
        ])
        # The English contact-details boxes, before any e-mail change is waiting for confirmation.
        english_contact_sections(server, wanted)
        driver.get(server.url("/kundavdelning/kontaktuppgifter"))
        if any(wanted(n) for n in ("bekraftelselank-skickad", "bekrafta-ny-e-postadress")) and exists(driver, "#new_email"):
            # Ask for a change to a new address (never confirmed, so the demo address stays).
            started = time.time()
            find(driver, "#new_email").send_keys(NEW_EMAIL)
            find(driver, "#email_current_password").send_keys(current_password)
            find(driver, "section#e-post button[type=submit]").click()
            settle(driver)
            if wanted("bekraftelselank-skickad"):
                save(crop_to(driver, [find(driver, "section#e-post")]), SV_LOGIN, "bekraftelselank-skickad",
                     "Byt e-postadress efter Skicka bekräftelselänk: väntar på bekräftelse")
            link = newest_link(server, started, "/bekrafta-e-post/")
            visit(link, "confirmation link", [
                ("bekrafta-ny-e-postadress", SV_LOGIN, "main .card", "sidan Bekräfta ny e-postadress"),
            ])
    finally:
        driver.quit()

    print("Swedish, customer area on a phone (375 wide):")
    driver = make_browser("sv", PHONE)
    try:
        login(driver, server, current_password)
        settle(driver)
        if wanted("kundavdelning-mobil"):
            image = viewport(driver)
            save(image, SV_LOGIN, "kundavdelning-mobil", "Kundavdelningen på en mobil")
    finally:
        driver.quit()


def english_contact_sections(server: Server, wanted) -> None:
    shots = (
        ("contact-details", "section[aria-labelledby='details-heading']", "Contact details: Name and address"),
        ("change-e-mail-address", "section#e-post", "Contact details: Change e-mail address"),
        ("change-password", "section#losenord", "Contact details: Change password"),
    )
    if not any(wanted(name) for name, *_ in shots):
        return
    driver = make_browser("en", DESKTOP)
    try:
        login(driver, server, current_password)
        status = status_of(server, driver, "/kundavdelning/kontaktuppgifter")
        if status != 200:
            for name, *_ in shots:
                skip(name, f"GET /kundavdelning/kontaktuppgifter answered {status}")
            return
        driver.get(server.url("/kundavdelning/kontaktuppgifter"))
        settle(driver)
        for name, css, what in shots:
            if wanted(name) and exists(driver, css):
                save(crop_to(driver, [find(driver, css)]), EN_LOGIN, name, what)
    finally:
        driver.quit()


def submit_in(driver: webdriver.Chrome, css: str) -> None:
    """Clicks the submit button of the form `css` names and waits for the next page."""
    find(driver, css + " button[type=submit]").click()
    settle(driver)


def two_step(server: Server, wanted) -> None:
    """The guide Tvåstegsverifiering: Säkerhet before, the QR code, the backup codes, the code page
    at login (Swedish), then the code page and Säkerhet with two-step on (English). Turns two-step
    on for the demo customer of this temporary database; the codes come from pyotp."""
    import pyotp

    names = ("sakerhet-tvastegsverifiering", "tvastegsverifiering-qr", "reservkoder", "logga-in-kod",
             "log-in-code", "security-two-step-on")
    if not any(wanted(name) for name in names):
        return
    section = "section#tvastegsverifiering"
    print("Swedish and English, two-step verification:")
    driver = make_browser("sv", DESKTOP)
    try:
        login(driver, server, current_password)
        driver.get(server.url("/kundavdelning/sakerhet"))
        settle(driver)
        if wanted("sakerhet-tvastegsverifiering"):
            save(crop_to(driver, [find(driver, section)]), SV_LOGIN, "sakerhet-tvastegsverifiering",
                 "Säkerhet: Tvåstegsverifiering är avstängd, knappen Slå på tvåstegsverifiering")
        submit_in(driver, section + " form[action$='/tvastegsverifiering']")
        if wanted("tvastegsverifiering-qr"):
            save(crop_to(driver, [find(driver, section)]), SV_LOGIN, "tvastegsverifiering-qr",
                 "QR-koden, nyckeln och fältet för koden från appen")
        totp = pyotp.TOTP(find(driver, "#two-step-secret").text.replace(" ", ""))
        find(driver, "#confirm_code").send_keys(totp.now())
        submit_in(driver, section + " form[action$='/bekrafta']")
        if wanted("reservkoder"):
            save(crop_to(driver, [find(driver, ".backup-codes")]), SV_LOGIN, "reservkoder",
                 "de tio reservkoderna, som visas en gång")
        driver.delete_all_cookies()
        login_until(driver, server, current_password, "/logga-in/kod")
        if wanted("logga-in-kod"):
            save(crop_to(driver, [find(driver, "main .card")]), SV_LOGIN, "logga-in-kod",
                 "sidan där du skriver in koden från appen efter lösenordet")
    finally:
        driver.quit()

    driver = make_browser("en", DESKTOP)
    try:
        login_until(driver, server, current_password, "/logga-in/kod")
        if wanted("log-in-code"):
            save(crop_to(driver, [find(driver, "main .card")]), EN_LOGIN, "log-in-code",
                 "the page for the code from the app, after the password")
        # A code is good once: wait for the next 30-second step after the Swedish confirmation.
        time.sleep(30 - time.time() % 30 + 1)
        find(driver, "#code").send_keys(totp.now())
        submit_in(driver, "form.stack-form")
        driver.get(server.url("/kundavdelning/sakerhet"))
        settle(driver)
        if wanted("security-two-step-on"):
            save(crop_to(driver, [find(driver, section)]), EN_LOGIN, "security-two-step-on",
                 "Security: two-step verification is on, backup codes left")
    finally:
        driver.quit()


def login_until(driver: webdriver.Chrome, server: Server, password: str, path: str) -> None:
    """Submits the login form and waits until the browser is on `path`."""
    driver.get(server.url("/logga-in"))
    find(driver, "#email").clear()
    find(driver, "#email").send_keys(DEMO_EMAIL)
    find(driver, "#password").send_keys(password)
    find(driver, "form.stack-form button[type=submit]").click()
    deadline = time.monotonic() + 30
    while path not in driver.current_url:
        if time.monotonic() > deadline:
            raise RuntimeError(f"login as {DEMO_EMAIL} did not reach {path} (at {driver.current_url})")
        time.sleep(0.2)
    settle(driver)


def first_link(server: Server, driver: webdriver.Chrome, path: str, pattern: str, prefer: tuple[str, ...] = ()) -> str | None:
    if status_of(server, driver, path) != 200:
        return None
    driver.get(server.url(path))
    links = []
    for anchor in driver.find_elements(By.CSS_SELECTOR, "main a[href]"):
        href = anchor.get_attribute("href") or ""
        relative = href.replace(server.base_url, "", 1)
        if re.match(pattern, relative) and relative not in (l for l, _ in links):
            row_text = driver.execute_script(
                "const row = arguments[0].closest('tr, li, article, .card'); return (row || arguments[0]).textContent;", anchor)
            links.append((relative, (row_text or "").lower()))
    for relative, text in links:
        if any(word in text for word in prefer):
            return relative
    return links[0][0] if links else None


def public_english(server: Server, wanted) -> None:
    print("English, public pages:")
    driver = make_browser("en", DESKTOP)
    try:
        driver.get(server.url("/"))
        if wanted("header-log-in"):
            save(crop_to(driver, [find(driver, "header.site-header")], padding=0), EN_LOGIN, "header-log-in",
                 "the header with Log in at the top right")
        driver.get(server.url("/logga-in"))
        if wanted("login-customer-area"):
            save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "login-customer-area",
                 "the login form with Customer area, Webmail and Control panel")
        if wanted("forgot-password-link"):
            save(crop_to(driver, [find(driver, "form.stack-form .form-actions"), find(driver, "form.stack-form .forgot-link")], padding=16),
                 EN_LOGIN, "forgot-password-link", "Forgot your password? below the Log in button")
        driver.get(server.url("/glomt-losenord"))
        if wanted("forgot-password-page"):
            save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "forgot-password-page", "the Forgot your password? page")
    finally:
        driver.quit()
    if any(wanted(n) for n in ("customer-area-overview", "customer-area-menu", "contact-details", "change-e-mail-address",
                               "change-password", "confirmation-link-sent", "confirm-new-e-mail-address")):
        driver = make_browser("en", DESKTOP)
        try:
            login(driver, server, current_password)
            settle(driver)
            if wanted("customer-area-overview"):
                save(crop_to(driver, [find(driver, ".area-layout")]), EN_LOGIN, "customer-area-overview", "the customer area: Overview")
            if wanted("customer-area-menu"):
                save(crop_to(driver, [find(driver, "nav.area-nav")]), EN_LOGIN, "customer-area-menu",
                     "the customer area menu with Log out")
            contact_shots = ("confirmation-link-sent", "confirm-new-e-mail-address")
            if any(wanted(n) for n in contact_shots):
                if status_of(server, driver, "/kundavdelning/kontaktuppgifter") != 200:
                    for name in contact_shots:
                        skip(name, "GET /kundavdelning/kontaktuppgifter did not answer 200")
                else:
                    driver.get(server.url("/kundavdelning/kontaktuppgifter"))
                    settle(driver)
                    if any(wanted(n) for n in ("confirmation-link-sent", "confirm-new-e-mail-address")):
                        started = time.time()
                        find(driver, "#new_email").clear()
                        find(driver, "#new_email").send_keys(NEW_EMAIL)
                        find(driver, "#email_current_password").send_keys(current_password)
                        find(driver, "section#e-post button[type=submit]").click()
                        settle(driver)
                        if wanted("confirmation-link-sent"):
                            save(crop_to(driver, [find(driver, "section#e-post")]), EN_LOGIN, "confirmation-link-sent",
                                 "Change e-mail address after Send confirmation link: waiting for confirmation")
                        if wanted("confirm-new-e-mail-address"):
                            driver.get(server.url(newest_link(server, started, "/bekrafta-e-post/")))
                            settle(driver)
                            save(crop_to(driver, [find(driver, "main .card")]), EN_LOGIN, "confirm-new-e-mail-address",
                                 "the page Confirm new e-mail address")
        finally:
            driver.quit()
    recovery_shots = ("unknown-e-mail-address", "check-your-e-mail", "choose-a-new-password", "password-changed")
    if any(wanted(n) for n in recovery_shots):
        # Reset links are limited to one a minute per address, and demo@example.se had one just now:
        # the English recovery pages use a customer of their own.
        result = server.command("customers", "create", "--email", EN_EMAIL, "--name", "Karin Kund",
                                "--password-stdin", input=DEMO_PASSWORD)
        if result.returncode != 0 and "already" not in (result.stdout + result.stderr).lower():
            for name in recovery_shots:
                skip(name, f"portier customers create failed: {(result.stdout + result.stderr).strip()[-200:]}")
        else:
            driver = make_browser("en", DESKTOP)
            try:
                driver.get(server.url("/glomt-losenord"))
                if wanted("unknown-e-mail-address"):
                    find(driver, "#email").send_keys(UNKNOWN_EMAIL)
                    find(driver, "form.stack-form button[type=submit]").click()
                    settle(driver)
                    save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "unknown-e-mail-address",
                         "the error There is no customer with that e-mail address")
                    driver.get(server.url("/glomt-losenord"))
                started = time.time()
                find(driver, "#email").send_keys(EN_EMAIL)
                find(driver, "form.stack-form button[type=submit]").click()
                settle(driver)
                if wanted("check-your-e-mail"):
                    save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "check-your-e-mail", "the page Check your e-mail")
                if wanted("choose-a-new-password"):
                    driver.get(server.url(newest_link(server, started, "/aterstall-losenord/")))
                    settle(driver)
                    if exists(driver, "#password"):
                        find(driver, "#password").send_keys(NEW_PASSWORD)
                        find(driver, "#password_confirmation").send_keys(NEW_PASSWORD)
                        find(driver, "main h1").click()
                        settle(driver)
                    save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "choose-a-new-password",
                         "the page Choose a new password, both fields filled in")
                if wanted("password-changed"):
                    # The notice the login page shows after a reset (not saved here: the link stays unused).
                    driver.get(server.url("/logga-in?notice=password-changed"))
                    settle(driver)
                    save(crop_to(driver, [card_of(driver)]), EN_LOGIN, "password-changed",
                         "the login page: Your password has been changed")
            finally:
                driver.quit()
    driver = make_browser("en", PHONE)
    try:
        driver.get(server.url("/"))
        if wanted("header-menu"):
            save(crop_to(driver, [find(driver, "header.site-header")], padding=0), EN_LOGIN, "header-menu",
                 "narrow screen: the header with Menu")
        if wanted("menu-open"):
            find(driver, "summary.menu-toggle").click()
            settle(driver)
            bottom = driver.execute_script("return arguments[0].getBoundingClientRect().bottom", find(driver, ".mobile-menu-links"))
            image = viewport(driver)
            save(image.crop((0, 0, image.width, min(image.height, int(bottom)))), EN_LOGIN, "menu-open",
                 "narrow screen: the opened menu with Log in at the bottom")
    finally:
        driver.quit()


ALL = (
    "header-logga-in", "inloggning-kundavdelning", "inloggning-val", "glomt-losenord-lank",
    "glomt-losenord-sidan", "okand-e-postadress", "kolla-din-e-post", "valj-nytt-losenord",
    "losenordet-ar-andrat", "behover-du-mer-hjalp", "sprakval-sidfot", "header-meny", "meny-oppen",
    "kundavdelning-oversikt", "kundavdelning-meny", "tjanster-lista", "webbhotell-tjanst",
    "webbhotell-inloggningar", "fakturor-lista", "fakturor-forfallna", "faktura", "faktura-skriv-ut",
    "support-arenden", "nytt-arende", "arende", "arende-svara", "kontaktuppgifter", "byt-e-postadress",
    "byt-losenord", "bekraftelselank-skickad", "bekrafta-ny-e-postadress", "kundavdelning-mobil",
    "header-log-in", "login-customer-area", "forgot-password-link", "forgot-password-page",
    "header-menu", "menu-open", "customer-area-overview", "customer-area-menu", "contact-details",
    "change-e-mail-address", "change-password", "confirmation-link-sent", "confirm-new-e-mail-address",
    "unknown-e-mail-address", "check-your-e-mail", "choose-a-new-password", "password-changed",
    "sakerhet-tvastegsverifiering", "tvastegsverifiering-qr", "reservkoder", "logga-in-kod",
    "log-in-code", "security-two-step-on",
)


def main() -> int:
    parser = argparse.ArgumentParser(description="Takes the help-center screenshots.")
    parser.add_argument("--only", help="comma-separated image names (without .png)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--list", action="store_true", help="list the images and exit")
    arguments = parser.parse_args()
    if arguments.list:
        print("\n".join(ALL))
        return 0
    only = {name.strip().removesuffix(".png") for name in arguments.only.split(",")} if arguments.only else None
    if only and (unknown := only - set(ALL)):
        parser.error(f"unknown image name(s): {', '.join(sorted(unknown))} (see --list)")

    def wanted(name: str) -> bool:
        return only is None or name in only

    workdir = Path(tempfile.mkdtemp(prefix="portier-screenshots-"))
    server = start_server(workdir)
    failed = False
    try:
        public_swedish(server, wanted)
        customer_area(server, wanted)
        public_english(server, wanted)
        two_step(server, wanted)
    except (WebDriverException, NoSuchElementException, RuntimeError) as error:
        failed = True
        print(f"screenshots: FAILED: {error}\nserver log:\n{tail(server.log_path)}", file=sys.stderr)
    finally:
        server.stop()
        if arguments.keep or failed:
            print(f"temporary files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{len(saved)} image(s) saved, {len(skipped)} skipped.")
    for note in skipped:
        print(f"  skipped {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
