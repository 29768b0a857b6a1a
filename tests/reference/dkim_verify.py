"""Verifies the first DKIM-Signature of the message on standard input with dkimpy.

Usage: dkim_verify.py TXT_VALUE [--name SELECTOR._domainkey.DOMAIN]

dkimpy's DNS lookup is replaced by one that answers only with TXT_VALUE (and only for
--name, when given), so a signature verifies exactly when it is valid for that public key.
Prints one JSON object:
  {"verified": bool, "reason": str|null, "queried": [names], "tags": {tag: value}}
"""
import argparse
import json
import logging
import sys

import dkim


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("record", help="the DNS TXT record value, e.g. 'v=DKIM1; k=rsa; p=...'")
    parser.add_argument("--name", help="the only owner name to answer for")
    args = parser.parse_args()

    message = sys.stdin.buffer.read()
    queried = []

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        queried.append(name)
        if args.name is not None and name.rstrip(".") != args.name.rstrip("."):
            return None
        return args.record.encode()

    collector = _Collector()
    logger = logging.getLogger("dkim_verify")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(collector)

    checker = dkim.DKIM(message, logger=logger, minkey=1024)
    reason = None
    try:
        verified = bool(checker.verify(dnsfunc=dnsfunc))
    except dkim.DKIMException as error:
        verified, reason = False, str(error)
    if not verified and reason is None:
        reason = "; ".join(collector.messages[-3:]) or "verification failed"

    tags = {}
    for key, value in (checker.signature_fields or {}).items():
        key = key.decode() if isinstance(key, bytes) else str(key)
        value = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
        tags[key] = value
    json.dump({"verified": verified, "reason": reason, "queried": queried, "tags": tags}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
