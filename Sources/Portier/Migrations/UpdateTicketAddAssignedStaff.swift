import Fluent
import SQLKit

/// The staff ticket queue: a ticket may be assigned to a staff member; the queue reads tickets by
/// status, oldest activity first. No foreign key on the new column: SQLite cannot drop a column
/// that has one, and staff members are disabled, never deleted.
struct UpdateTicketAddAssignedStaff: AsyncMigration {
    static let queueIndex = "tickets_status_activity_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema)
            .field("assigned_staff_id", .uuid)
            .update()
        try await (database as? any SQLDatabase)?
            .create(index: Self.queueIndex).on(Ticket.schema).column("status").column("last_activity_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as? any SQLDatabase)?.drop(index: Self.queueIndex).ifExists().run()
        try await database.schema(Ticket.schema).deleteField("assigned_staff_id").update()
    }
}
