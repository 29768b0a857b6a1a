"""DKIM as receivers check it: a mail the SMTP sink received (a reset link, with a Swedish
subject and name) verifies with dkimpy against the TXT record `portier dkim generate` printed; the
same bytes altered in transit do not."""

import re
import urllib.parse
import urllib.request

import dkim

from conftest import unique_email


def request_reset(portier, address: str) -> None:
    """Asks for a reset link through the real form (cookie and CSRF token from the page)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(portier.url("/glomt-losenord"), timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": address, "csrf_token": token}).encode()
    opener.open(portier.url("/glomt-losenord"), data=body, timeout=30).read()


def verify(message: bytes, record: str) -> bool:
    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return record.encode() if name.rstrip(".") == "e2e._domainkey.localhost" else None
    return dkim.verify(message, dnsfunc=dnsfunc)


def test_sent_mail_is_dkim_signed(portier, create_customer, smtp_sink, read_mail):
    customer = create_customer(unique_email("dkim"), "Åsa Öberg", "ett långt lösenord för dkim")
    request_reset(portier, customer.email)
    message = read_mail(customer.email, subject="Återställ ditt lösenord")
    path = next(path for path, stored in smtp_sink.messages() if stored["Message-ID"] == message["Message-ID"])
    raw = path.read_bytes()

    assert portier.dkim_record.startswith("v=DKIM1; k=rsa; p=")
    assert raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;")
    assert verify(raw, portier.dkim_record)
    altered = raw.rstrip(b"\r\n") + b"\r\nEn rad som lades till p\xc3\xa5 v\xc3\xa4gen.\r\n"
    assert not verify(altered, portier.dkim_record)
