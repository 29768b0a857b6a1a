import Foundation

/// Delivers one rendered message. The live values are ``SMTPTransport`` and, in
/// development, ``FileTransport``; tests use ``RecordingMailTransport``.
///
/// A transport either hands the message on completely or throws; the outbox worker
/// retries on any error.
public protocol MailTransport: Sendable {
    func send(_ rendered: RenderedMail) async throws
}
