import Foundation

/// A message ready for a ``MailTransport``: the SMTP envelope and the RFC 5322 bytes
/// (CRLF line endings, 7-bit clean), plus a few plain values for logs and development output.
public struct RenderedMail: Sendable {
    /// `MAIL FROM`.
    public var envelopeFrom: MailAddress
    /// `RCPT TO`, one per address.
    public var recipients: [MailAddress]
    /// The `Message-ID` header value, angle brackets included.
    public var messageID: String
    /// The message as sent: headers, blank line, body.
    public var bytes: [UInt8]
    /// The unencoded subject, for log lines.
    public var subject: String
    /// The unencoded plain-text body; only development transports show it (for its links).
    public var textBody: String

    public init(
        envelopeFrom: MailAddress,
        recipients: [MailAddress],
        messageID: String,
        bytes: [UInt8],
        subject: String,
        textBody: String
    ) {
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.messageID = messageID
        self.bytes = bytes
        self.subject = subject
        self.textBody = textBody
    }
}
