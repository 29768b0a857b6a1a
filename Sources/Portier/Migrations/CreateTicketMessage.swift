import Fluent

/// The unique (ticket, position) pair is the thread's order and its index.
struct CreateTicketMessage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketMessage.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("author", .string, .required)
            .field("author_name", .string)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "ticket_id", "position")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketMessage.schema).delete()
    }
}
