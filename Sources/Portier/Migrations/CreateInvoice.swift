import Fluent
import SQLKit

/// Invoices keep their customer: deleting a customer who has invoices is refused (bookkeeping).
struct CreateInvoice: AsyncMigration {
    static let customerIndex = "invoices_customer_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(Invoice.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .restrict))
            .field("number", .int64, .required)
            .field("issued_on", .string, .required)
            .field("due_on", .string, .required)
            .field("status", .string, .required)
            .field("paid_at", .datetime)
            .field("net_ore", .int64, .required)
            .field("vat_ore", .int64, .required)
            .field("total_ore", .int64, .required)
            .field("billing_name", .string, .required)
            .field("billing_email", .string, .required)
            .field("billing_identity_number", .string)
            .field("billing_address", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "number")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.customerIndex).on(Invoice.schema).column("customer_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.customerIndex).ifExists().run()
        }
        try await database.schema(Invoice.schema).delete()
    }
}
