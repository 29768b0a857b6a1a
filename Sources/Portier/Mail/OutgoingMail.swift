import Foundation

/// One e-mail as a feature composes it: recipient, subject and both bodies, already in the
/// recipient's language. Stored as JSON in the outbox (``Outbox/enqueue(_:on:now:)``) and
/// turned into a MIME message by ``MIMEMessageRenderer`` when the worker delivers it.
public struct OutgoingMail: Codable, Sendable, Equatable {
    private enum CodingKeys: String, CodingKey {
        case to, subject, textBody, htmlBody, language, replyTo, carriesSecretLink
    }

    public var to: MailAddress
    /// Plain text; non-ASCII subjects are RFC 2047-encoded when rendered.
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    /// Sent as `Content-Language`.
    public var language: Language
    public var replyTo: MailAddress?
    /// The bodies hold a single-use link (reset, set-password, confirm address): the outbox keeps
    /// them only until the mail is sent (``redactingSecretLink()``).
    public var carriesSecretLink: Bool = false

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

    /// What the outbox keeps of a sent mail that carried a single-use link: recipient and
    /// subject, the bodies replaced by a note, so a database dump holds no live link.
    public func redactingSecretLink() -> OutgoingMail {
        var redacted = self
        redacted.textBody = Self.redactedBody
        redacted.htmlBody = Self.redactedBody
        return redacted
    }

    public static let redactedBody = "[removed after sending: the mail held a single-use link]"

    /// Rejects what cannot be rendered safely: a subject with CR, LF or other control characters.
    /// - Throws: ``MailError/invalidHeaderValue(header:)``.
    public func validate() throws {
        guard !subject.containsMailControlCharacter, subject.count <= Self.maximumSubjectLength else {
            throw MailError.invalidHeaderValue(header: "Subject")
        }
    }
}

extension OutgoingMail {
    /// Rows queued before `carriesSecretLink` existed decode with it false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            to: try container.decode(MailAddress.self, forKey: .to),
            subject: try container.decode(String.self, forKey: .subject),
            textBody: try container.decode(String.self, forKey: .textBody),
            htmlBody: try container.decode(String.self, forKey: .htmlBody),
            language: try container.decode(Language.self, forKey: .language),
            replyTo: try container.decodeIfPresent(MailAddress.self, forKey: .replyTo)
        )
        carriesSecretLink = try container.decodeIfPresent(Bool.self, forKey: .carriesSecretLink) ?? false
    }
}
