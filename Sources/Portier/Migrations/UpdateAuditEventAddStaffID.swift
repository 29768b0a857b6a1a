import Fluent
import SQLKit

/// Audit events name the staff member who acted (the staff area's audit log filters by it).
struct UpdateAuditEventAddStaffID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .field("staff_id", .uuid)
            .update()
        try await (database as? any SQLDatabase)?
            .create(index: "audit_events_staff_idx").on(AuditEvent.schema).column("staff_id").column("occurred_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as? any SQLDatabase)?.drop(index: "audit_events_staff_idx").run()
        try await database.schema(AuditEvent.schema)
            .deleteField("staff_id")
            .update()
    }
}
