"""Prints pyotp's TOTP codes, for Portier's two-step tests to compare against.

Input (stdin): a JSON list of requests, each {"secret": <base32>, "time": <unix seconds>}
(optionally "digits": 6|8 and "digest": "sha1"|"sha256"|"sha512"; the defaults are what Portier
issues: SHA-1, six digits, 30 seconds).
Output (stdout): a JSON list of the codes, one string per request, in order.
With the argument `uri SECRET ACCOUNT ISSUER` instead, prints pyotp's provisioning URI, and with
`parse URI` the secret, issuer and account pyotp reads back from an otpauth:// URI.
"""
import hashlib
import json
import sys

import pyotp

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def main() -> None:
    if len(sys.argv) >= 2 and sys.argv[1] == "parse":
        totp = pyotp.parse_uri(sys.argv[2])
        json.dump({"secret": totp.secret, "issuer": totp.issuer, "account": totp.name,
                   "digits": totp.digits, "interval": totp.interval}, sys.stdout)
        return
    requests = json.load(sys.stdin)
    codes = []
    for request in requests:
        totp = pyotp.TOTP(
            request["secret"], digits=request.get("digits", 6),
            digest=DIGESTS[request.get("digest", "sha1")], interval=30,
        )
        codes.append(totp.at(request["time"]))
    json.dump(codes, sys.stdout)


if __name__ == "__main__":
    main()
