import Fluent
import Foundation
import SQLKit

/// Makes the chat's message limit (``ChatService/messagesPerWindow`` per
/// ``ChatService/rateWindow``) hold under concurrent sends, on any number of instances.
///
/// The limit counts the writer's stored messages of the last ten seconds, then inserts. On its
/// own that is count-then-insert: on PostgreSQL two transactions could both count nine and both
/// insert. So the transaction first UPSERTs the writer's row in `throttle_counters` (the model is
/// ``Throttle/reserve(_:policy:now:)``): the UPSERT takes that row's lock until the transaction
/// ends, and a second transaction with the same key waits for it, then counts with the first one's
/// message committed (READ COMMITTED reads afresh per statement). SQLite's write lock, taken
/// before the UPSERT, already puts writers one after another. The counter's time is kept current,
/// so data retention removes rows of writers who stopped.
enum ChatRateLock {
    static func key(for writer: ChatService.Writer, chatID: UUID) -> String {
        switch writer {
        case .client: "chat-say:chat:" + chatID.uuidString
        case .staff(let staffID, _): "chat-say:staff:" + staffID.uuidString
        }
    }

    /// Call inside the transaction that counts and inserts.
    static func take(_ key: String, now: Date, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw ThrottleError.sqlDatabaseRequired }
        let epoch = Int64(now.timeIntervalSince1970.rounded(.down))
        try await sql.raw("""
            INSERT INTO \(ident: ThrottleCounter.schema) (key, failures, last_failure_epoch, last_attempt_allowed)
            VALUES (\(bind: key), 0, \(bind: epoch), 1)
            ON CONFLICT (key) DO UPDATE SET last_failure_epoch = \(bind: epoch)
            """).run()
    }
}
