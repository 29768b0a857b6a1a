import Foundation

/// Messages shaped like the ones `MIMEMessageRenderer` produces: CRLF line endings, 7-bit,
/// RFC 2047 encoded Swedish names and subject, a folded long subject, and a
/// multipart/alternative body of two quoted-printable parts with soft line breaks.
enum PortierStyleMessage {
    static let boundary = "=_portier_Zq3xV8bN1kT6wR2yH5mC9pLd"

    /// "Återställ ditt lösenord" from "Åsa Öberg" to "Björn Ängström".
    static let headerLines = [
        "Date: Tue, 03 Jun 2025 09:15:00 +0200",
        "From: =?UTF-8?Q?=C3=85sa_=C3=96berg?= <asa@portier.example.se>",
        "To: =?UTF-8?Q?Bj=C3=B6rn_=C3=84ngstr=C3=B6m?= <bjorn@kund.example.se>",
        "Subject: =?UTF-8?Q?=C3=85terst=C3=A4ll_ditt_l=C3=B6senord?=",
        "Message-ID: <p7Hc2Vn9QwXe4Ls8Kd1mTb6R@portier.example.se>",
        "MIME-Version: 1.0",
        "Content-Language: sv",
        "Auto-Submitted: auto-generated",
        "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
    ]

    /// A subject long enough that the renderer folds it over three lines.
    static let foldedSubjectLine = "Subject: =?UTF-8?Q?Din_f=C3=B6rfr=C3=A5gan_om_att_=C3=A5terst=C3=A4lla_l=C3=B6?=\r\n"
        + " =?UTF-8?Q?senordet_f=C3=B6r_ditt_konto_hos_Portier_kundportal_har_tag?=\r\n"
        + " =?UTF-8?Q?its_emot_och_beh=C3=B6ver_bekr=C3=A4ftas?="

    static let textPart = [
        "Hej Bj=C3=B6rn,",
        "",
        "Vi har f=C3=A5tt en beg=C3=A4ran om att =C3=A5terst=C3=A4lla l=C3=B6senordet f=",
        "=C3=B6r ditt konto. Klicka p=C3=A5 l=C3=A4nken nedan inom 30 minuter f=C3=B6=",
        "r att v=C3=A4lja ett nytt l=C3=B6senord:",
        "",
        "https://portier.example.se/aterstall?token=3Dk7Pq2Wm9Xc4Vb8Nn1Lr6Ts5Yh0Gf3Jd=",
        "2Ze",
        "",
        "V=C3=A4nliga h=C3=A4lsningar,=20",
        "=C3=85sa =C3=96berg, Portier",
    ]

    static let htmlPart = [
        "<!DOCTYPE html><html lang=3D\"sv\"><head><meta charset=3D\"utf-8\"><title>=C3=",
        "=85terst=C3=A4ll ditt l=C3=B6senord</title></head><body style=3D\"font-family=",
        ":sans-serif\"><p>Hej Bj=C3=B6rn,</p><p>Klicka p=C3=A5 <a href=3D\"https://port=",
        "ier.example.se/aterstall?token=3Dk7Pq2Wm9Xc4Vb8Nn1Lr6Ts5Yh0Gf3Jd2Ze\">=C3=A5t=",
        "erst=C3=A4ll l=C3=B6senordet</a>.</p></body></html>",
    ]

    /// The whole message; `headers` and `bodyLines` replace the defaults for variants.
    static func text(headers: [String] = headerLines, bodyLines: [String]? = nil) -> String {
        let body = bodyLines ?? defaultBodyLines
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body.joined(separator: "\r\n") + "\r\n"
    }

    static var defaultBodyLines: [String] {
        var lines: [String] = []
        for (contentType, part) in [("text/plain", textPart), ("text/html", htmlPart)] {
            lines += [
                "--\(boundary)",
                "Content-Type: \(contentType); charset=UTF-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
            ] + part
        }
        return lines + ["--\(boundary)--"]
    }

    static func bytes(headers: [String] = headerLines, bodyLines: [String]? = nil) -> [UInt8] {
        Array(text(headers: headers, bodyLines: bodyLines).utf8)
    }
}
