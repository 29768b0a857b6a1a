import Foundation

/// Turns an ``OutgoingMail`` into an RFC 5322 message: `multipart/alternative` with a
/// UTF-8 plain-text part followed by the HTML part, both quoted-printable, CRLF line
/// endings, every line within the RFC limits and only 7-bit bytes.
///
/// Header values come from validated types (``MailAddress``, a subject checked by
/// ``OutgoingMail/validate()``) and are encoded or rejected, never copied raw,
/// so no value can start a new header line.
public struct MIMEMessageRenderer: Sendable {
    public init() {}

    /// Renders with a fresh `Message-ID` (`<random@domain-of-from>`) and MIME boundary.
    public func render(
        _ mail: OutgoingMail,
        from: MailAddress,
        date: Date,
        random: any RandomSource
    ) throws -> RenderedMail {
        try render(
            mail,
            from: from,
            messageID: Self.makeMessageID(domain: from.domain, random: random),
            date: date,
            boundary: Self.makeBoundary(random: random)
        )
    }

    /// Renders with the given `Message-ID` (angle brackets included) and boundary.
    /// - Throws: ``MailError`` when the subject, Message-ID or boundary is unsafe.
    public func render(
        _ mail: OutgoingMail,
        from: MailAddress,
        messageID: String,
        date: Date,
        boundary: String
    ) throws -> RenderedMail {
        try mail.validate()
        guard Self.isValidMessageID(messageID) else {
            throw MailError.invalidHeaderValue(header: "Message-ID")
        }
        guard Self.isValidBoundary(boundary) else {
            throw MailError.invalidHeaderValue(header: "Content-Type")
        }

        var headers = [
            MIMEEncoding.headerLine("Date", tokens: [MIMEEncoding.rfc5322Date(date)]),
            MIMEEncoding.headerLine("From", tokens: MIMEEncoding.addressTokens(from)),
            MIMEEncoding.headerLine("To", tokens: MIMEEncoding.addressTokens(mail.to)),
        ]
        if let replyTo = mail.replyTo {
            headers.append(MIMEEncoding.headerLine("Reply-To", tokens: MIMEEncoding.addressTokens(replyTo)))
        }
        headers += [
            MIMEEncoding.headerLine("Subject", tokens: MIMEEncoding.unstructuredTokens(mail.subject)),
            MIMEEncoding.headerLine("Message-ID", tokens: [messageID]),
            "MIME-Version: 1.0",
            "Content-Language: \(mail.language.rawValue)",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]

        let parts = [
            part(contentType: "text/plain; charset=UTF-8", body: mail.textBody),
            part(contentType: "text/html; charset=UTF-8", body: mail.htmlBody),
        ]
        var message = headers.joined(separator: "\r\n") + "\r\n\r\n"
        for part in parts {
            message += "--\(boundary)\r\n" + part + "\r\n"
        }
        message += "--\(boundary)--\r\n"

        return RenderedMail(
            envelopeFrom: from,
            recipients: [mail.to],
            messageID: messageID,
            bytes: Array(message.utf8),
            subject: mail.subject,
            textBody: mail.textBody
        )
    }

    private func part(contentType: String, body: String) -> String {
        "Content-Type: \(contentType)\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n"
            + "\r\n"
            + MIMEEncoding.quotedPrintable(body)
    }

    /// `<token@domain>` with 144 random bits.
    public static func makeMessageID(domain: String, random: any RandomSource) -> String {
        "<\(random.makeToken(byteCount: 18))@\(domain)>"
    }

    /// A boundary containing `=_`, which quoted-printable output can never contain.
    static func makeBoundary(random: any RandomSource) -> String {
        "=_portier_" + random.makeToken(byteCount: 18)
    }

    static func isValidMessageID(_ value: String) -> Bool {
        guard value.hasPrefix("<"), value.hasSuffix(">"), value.utf8.count <= 250 else { return false }
        let inner = value.dropFirst().dropLast()
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.".utf8)
        return parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(allowed.contains) }
    }

    static func isValidBoundary(_ value: String) -> Bool {
        // RFC 2046 § 5.1.1 bchars, without the space (so it never needs trimming).
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?".utf8)
        return (1...70).contains(value.utf8.count) && value.utf8.allSatisfy(allowed.contains)
    }
}
