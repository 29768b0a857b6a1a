import Fluent
import Foundation

/// One e-mail waiting in, or delivered from, the outbox (DESIGN § 5).
///
/// Rows are written by ``Outbox/enqueue(_:on:now:)`` in the caller's transaction and
/// moved along `queued → sending → sent` by ``OutboxWorker``; after
/// ``OutboxWorker/Configuration/maximumAttempts`` failures a row ends as `failed`
/// until an operator retries it (`portier outbox retry`).
public final class OutboxMessage: Model, @unchecked Sendable {
    public static let schema = "outbox_messages"

    /// Where a row is in its life.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for `next_attempt_at`.
        case queued
        /// Leased by a worker until `leased_until`; free again after that (worker crash).
        case sending
        case sent
        /// Gave up after the maximum number of attempts.
        case failed
    }

    @ID(key: .id) public var id: UUID?
    /// The recipient's addr-spec, for listings.
    @Field(key: "recipient") public var recipient: String
    /// The subject, for listings.
    @Field(key: "subject") public var subject: String
    /// The ``OutgoingMail`` as JSON.
    @Field(key: "payload") public var payload: String
    @Field(key: "status") public var status: Status
    /// Failed delivery attempts so far.
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "leased_until") public var leasedUntil: Date?
    @OptionalField(key: "lease_owner") public var leaseOwner: String?
    @OptionalField(key: "last_error") public var lastError: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?
    /// The `Message-ID` of the delivered message.
    @OptionalField(key: "message_id") public var messageID: String?

    public init() {}

    public init(id: UUID? = nil, mail: OutgoingMail, payload: String, now: Date) {
        self.id = id
        self.recipient = mail.to.email
        self.subject = mail.subject
        self.payload = payload
        self.status = .queued
        self.attempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
    }

    /// Decodes ``payload``.
    /// - Throws: ``MailError/undecodablePayload(id:)``.
    public func decodedMail() throws -> OutgoingMail {
        do {
            return try JSONDecoder().decode(OutgoingMail.self, from: Data(payload.utf8))
        } catch {
            throw MailError.undecodablePayload(id: id)
        }
    }
}
