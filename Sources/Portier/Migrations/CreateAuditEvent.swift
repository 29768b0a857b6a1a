import Fluent
import SQLKit

struct CreateAuditEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("kind", .string, .required)
            .field("customer_id", .uuid)
            .field("email", .string)
            .field("ip_address", .string)
            .field("user_agent", .string)
            .field("details", .string)
            .create()
        let sql = database as? any SQLDatabase
        try await sql?.create(index: "audit_events_customer_idx").on(AuditEvent.schema).column("customer_id").column("occurred_at").run()
        try await sql?.create(index: "audit_events_kind_idx").on(AuditEvent.schema).column("kind").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
