import Fluent
import SQLKit

/// The first, customer-only session table; replaced by `ReplaceSessionsWithAuthSessions`.
struct CreateSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip_address", .string)
            .field("user_agent", .string)
            .field("authentication_method", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: "sessions_customer_id_idx").on("sessions").column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").delete()
    }
}
