import Fluent
import SQLKit

/// Sessions of any subject (customer | staff) with their strength and a pending second factor.
/// The old customer-only `sessions` table is dropped: everybody logs in once more after the
/// upgrade (SQLite cannot relax `customer_id`'s NOT NULL in place).
struct ReplaceSessionsWithAuthSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuthSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("subject_kind", .string, .required)
            .field("customer_id", .uuid, .references(Customer.schema, "id", onDelete: .cascade))
            .field("staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .cascade))
            .field("impersonator_staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .cascade))
            .field("strength", .string, .required)
            .field("second_factor_due_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("ip_address", .string)
            .field("user_agent", .string)
            .unique(on: "token_hash")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "auth_sessions_customer_id_idx").on(AuthSession.schema).column("customer_id").run()
            try await sql.create(index: "auth_sessions_staff_id_idx").on(AuthSession.schema).column("staff_id").run()
        }
        try await database.schema("sessions").delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuthSession.schema).delete()
        try await CreateSession().prepare(on: database)
    }
}
