import Fluent
import SQLKit

/// The outbox table (DESIGN § 5) and the index the worker's "what is due?" query uses.
public struct CreateOutboxMessage: AsyncMigration {
    static let indexName = "outbox_messages_status_next_attempt_at"

    public init() {}

    public func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("leased_until", .datetime)
            .field("lease_owner", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("message_id", .string)
            .create()

        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: Self.indexName)
            .on(OutboxMessage.schema)
            .column("status")
            .column("next_attempt_at")
            .run()
    }

    public func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.indexName).ifExists().run()
        }
        try await database.schema(OutboxMessage.schema).delete()
    }
}
