import Foundation

/// The test double for ``MailTransport``: keeps every message it is given and can be told
/// to fail, to simulate a mail server outage.
public actor RecordingMailTransport: MailTransport {
    /// The error every send throws while ``fail(with:)`` is in effect.
    public struct SimulatedFailure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public private(set) var sentMails: [RenderedMail] = []
    private var failure: (any Error)?

    public init() {}

    /// Every following send throws `error` (and records nothing) until ``succeed()``.
    public func fail(with error: any Error = SimulatedFailure(description: "simulated outage")) {
        failure = error
    }

    /// Sends succeed again.
    public func succeed() {
        failure = nil
    }

    public func send(_ rendered: RenderedMail) async throws {
        if let failure { throw failure }
        sentMails.append(rendered)
    }
}
