import Fluent
import SQLKit

struct CreateTicket: AsyncMigration {
    static let customerIndex = "tickets_customer_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .cascade))
            .field("number", .int64, .required)
            .field("department", .string, .required)
            .field("subject", .string, .required)
            .field("status", .string, .required)
            .field("service_id", .uuid, .references(Service.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("last_activity_at", .datetime, .required)
            .field("closed_at", .datetime)
            .unique(on: "number")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.customerIndex).on(Ticket.schema).column("customer_id").column("last_activity_at").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.customerIndex).ifExists().run()
        }
        try await database.schema(Ticket.schema).delete()
    }
}
