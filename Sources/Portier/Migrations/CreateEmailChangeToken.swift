import Fluent
import SQLKit

struct CreateEmailChangeToken: AsyncMigration {
    static let customerIndex = "email_change_tokens_customer_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(EmailChangeToken.schema)
            .id()
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .cascade))
            .field("new_email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.customerIndex).on(EmailChangeToken.schema).column("customer_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.customerIndex).ifExists().run()
        }
        try await database.schema(EmailChangeToken.schema).delete()
    }
}
