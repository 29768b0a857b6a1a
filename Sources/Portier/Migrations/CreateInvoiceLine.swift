import Fluent
import SQLKit

struct CreateInvoiceLine: AsyncMigration {
    static let invoiceIndex = "invoice_lines_invoice_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(InvoiceLine.schema)
            .id()
            .field("invoice_id", .uuid, .required, .references(Invoice.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("description", .string, .required)
            .field("quantity", .int, .required)
            .field("unit_price_ore", .int64, .required)
            .field("vat_rate", .int, .required)
            .field("service_id", .uuid, .references(Service.schema, "id", onDelete: .setNull))
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.invoiceIndex).on(InvoiceLine.schema).column("invoice_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.invoiceIndex).ifExists().run()
        }
        try await database.schema(InvoiceLine.schema).delete()
    }
}
