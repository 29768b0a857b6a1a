import Foundation

/// One e-mail as a feature composes it: recipient, subject and both bodies, already in the
/// recipient's language. Stored as JSON in the outbox (``Outbox/enqueue(_:on:now:)``) and
/// turned into a MIME message by ``MIMEMessageRenderer`` when the worker delivers it.
public struct OutgoingMail: Codable, Sendable, Equatable {
    public var to: MailAddress
    /// Plain text; non-ASCII subjects are RFC 2047-encoded when rendered.
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    /// Sent as `Content-Language`.
    public var language: Language
    public var replyTo: MailAddress?

    public init(
        to: MailAddress,
        subject: String,
        textBody: String,
        htmlBody: String,
        language: Language = .default,
        replyTo: MailAddress? = nil
    ) {
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.language = language
        self.replyTo = replyTo
    }

    static let maximumSubjectLength = 500

    /// Rejects what cannot be rendered safely: a subject with CR, LF or other control characters.
    /// - Throws: ``MailError/invalidHeaderValue(header:)``.
    public func validate() throws {
        guard !subject.containsMailControlCharacter, subject.count <= Self.maximumSubjectLength else {
            throw MailError.invalidHeaderValue(header: "Subject")
        }
    }
}
