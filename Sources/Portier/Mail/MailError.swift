import Foundation

/// Domain errors of the mail feature: invalid addresses, unsafe header values and
/// outbox bookkeeping. Transport failures are ``SMTPError`` (SMTP) or plain I/O errors (files).
public enum MailError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The address is not a plain ASCII `local@domain` addr-spec (or has a control character).
    case invalidAddress(String)
    /// A display name contains CR, LF or another control character.
    case invalidDisplayName
    /// A header value (e.g. the subject) contains CR, LF or another control character.
    case invalidHeaderValue(header: String)
    /// The stored payload of an outbox row could not be decoded.
    case undecodablePayload(id: UUID?)
    /// `configureMail(_:)` has not run, so there is no transport or sender.
    case notConfigured
    /// The outbox worker's lease query needs an SQL database (SQLite or PostgreSQL).
    case outboxNeedsSQLDatabase
    /// `PORTIER_SMTP_URL` cannot be used; the reason never repeats the URL (it may hold a password).
    case invalidSMTPURL(String)

    public var description: String {
        switch self {
        case .invalidAddress(let reason):
            return "Invalid e-mail address: \(reason)"
        case .invalidDisplayName:
            return "Invalid display name: control characters (such as line breaks) are not allowed"
        case .invalidHeaderValue(let header):
            return "Invalid \(header) header: control characters (such as line breaks) are not allowed"
        case .undecodablePayload(let id):
            return "Outbox message \(id?.uuidString ?? "?") has a payload that cannot be decoded"
        case .notConfigured:
            return "Mail is not configured: call configureMail(_:) in configure"
        case .outboxNeedsSQLDatabase:
            return "The outbox needs an SQL database (SQLite or PostgreSQL)"
        case .invalidSMTPURL(let reason):
            return "Invalid SMTP URL: \(reason)"
        }
    }
}

extension Unicode.Scalar {
    /// C0 and C1 control characters, DEL and the Unicode line and paragraph separators:
    /// everything that could break a header line or hide in one.
    var isMailControlCharacter: Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }
}

extension String {
    var containsMailControlCharacter: Bool {
        unicodeScalars.contains { $0.isMailControlCharacter }
    }
}
