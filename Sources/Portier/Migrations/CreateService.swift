import Fluent
import SQLKit

struct CreateService: AsyncMigration {
    static let customerIndex = "services_customer_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(Service.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("domain", .string, .required)
            .field("plan", .string, .required)
            .field("status", .string, .required)
            .field("price_ore", .int64, .required)
            .field("billing_cycle", .string, .required)
            .field("next_due_on", .string)
            .field("started_on", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.customerIndex).on(Service.schema).column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.customerIndex).ifExists().run()
        }
        try await database.schema(Service.schema).delete()
    }
}
