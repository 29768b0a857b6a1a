import Foundation

/// Why an SMTP delivery failed: the stage, and the server's reply code and text when the
/// server refused. The text never contains the password (it is redacted if a server echoes it).
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The TCP connection could not be opened (refused, unreachable, timed out).
        case connectionFailed
        /// The server answered with an unexpected reply code.
        case rejected
        /// No reply in time, or the whole delivery took too long.
        case timeout
        /// The server closed the connection.
        case connectionClosed
        /// TLS was required but not offered, or the handshake or certificate check failed.
        case tls
        /// Credentials are configured but the server offers no usable AUTH mechanism,
        /// or the connection is not encrypted.
        case authenticationUnavailable
        /// The server's reply did not follow RFC 5321.
        case protocolViolation
    }

    /// The step that failed, e.g. `connect`, `EHLO`, `AUTH`, `RCPT TO`, `end of data`.
    public var stage: String
    public var kind: Kind
    /// The server's reply code, when it sent one.
    public var code: Int?
    /// The server's reply text, or an explanation.
    public var message: String

    public init(stage: String, kind: Kind, code: Int? = nil, message: String) {
        self.stage = stage
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// A 5xx reply: retrying the same message is unlikely to help.
    public var isPermanent: Bool { (code ?? 0) >= 500 }

    public var description: String {
        let codeText = code.map { "\($0) " } ?? ""
        return "SMTP \(stage) failed: \(codeText)\(message)"
    }
}
