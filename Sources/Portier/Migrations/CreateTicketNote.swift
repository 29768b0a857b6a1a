import Fluent

/// Internal notes on tickets: a table of their own, so no customer page or mail can read one.
struct CreateTicketNote: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketNote.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, "id", onDelete: .cascade))
            .field("staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .setNull))
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketNote.schema).delete()
    }
}
