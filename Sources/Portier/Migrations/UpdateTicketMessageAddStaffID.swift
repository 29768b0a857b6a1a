import Fluent

/// A staff reply names the staff member who wrote it (the `/personal` ticket page); replies from
/// `portier tickets reply` have none. No foreign key, as in `UpdateTicketAddAssignedStaff`.
struct UpdateTicketMessageAddStaffID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketMessage.schema)
            .field("staff_id", .uuid)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketMessage.schema).deleteField("staff_id").update()
    }
}
