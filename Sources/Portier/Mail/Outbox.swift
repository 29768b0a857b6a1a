import Fluent
import Foundation

/// The entry point for features that send e-mail, and the operator's view of the outbox.
///
/// Mail is never sent inline: ``enqueue(_:on:now:)`` inserts a row with the database it is
/// given (so it commits or rolls back with the caller's transaction) and ``OutboxWorker``
/// delivers it.
public enum Outbox {
    /// Validates `mail` and inserts it as a queued outbox row due at `now`.
    ///
    /// ```swift
    /// try await request.db.transactionTakingSQLiteWriteLock { db in
    ///     try await token.save(on: db)
    ///     try await Outbox.enqueue(mail, on: db, now: request.portier.clock.now())
    /// }
    /// ```
    /// - Returns: The id of the new row.
    /// - Throws: ``MailError`` for a subject that cannot be sent, or a database error.
    @discardableResult
    public static func enqueue(_ mail: OutgoingMail, on database: any Database, now: Date) async throws -> UUID {
        try mail.validate()
        let id = UUID()
        try await OutboxMessage(id: id, mail: mail, payload: try payload(for: mail), now: now).create(on: database)
        return id
    }

    /// The JSON a row stores for `mail`.
    static func payload(for mail: OutgoingMail) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(mail), as: UTF8.self)
    }

    /// Rows that are not delivered yet (queued, sending, failed), oldest first.
    public static func pendingMessages(on database: any Database) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: database)
            .filter(\.$status ~~ [.queued, .sending, .failed])
            .sort(\.$createdAt)
            .all()
    }

    /// Makes a failed or queued row due now, with a fresh set of attempts.
    /// - Returns: `false` when there is no such row or it is being sent or already sent.
    @discardableResult
    public static func retry(id: UUID, on database: any Database, now: Date) async throws -> Bool {
        guard let message = try await OutboxMessage.find(id, on: database),
              message.status == .failed || message.status == .queued else {
            return false
        }
        try await OutboxMessage.query(on: database)
            .filter(\.$id == id)
            .filter(\.$status ~~ [.failed, .queued])
            .set(\.$status, to: .queued)
            .set(\.$attempts, to: 0)
            .set(\.$nextAttemptAt, to: now)
            .set(\.$leasedUntil, to: nil)
            .set(\.$leaseOwner, to: nil)
            .update()
        return true
    }

    /// Makes every failed row due now, with a fresh set of attempts.
    /// - Returns: How many rows were failed.
    @discardableResult
    public static func retryAllFailed(on database: any Database, now: Date) async throws -> Int {
        let count = try await OutboxMessage.query(on: database).filter(\.$status == .failed).count()
        try await OutboxMessage.query(on: database)
            .filter(\.$status == .failed)
            .set(\.$status, to: .queued)
            .set(\.$attempts, to: 0)
            .set(\.$nextAttemptAt, to: now)
            .set(\.$leasedUntil, to: nil)
            .set(\.$leaseOwner, to: nil)
            .update()
        return count
    }
}
