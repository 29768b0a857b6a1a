import Fluent
import SQLKit

struct CreateChat: AsyncMigration {
    static let statusIndex = "chats_status_created_at_idx"
    static let tokenIndex = "chats_token_hash_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(Chat.schema)
            .id()
            .field("status", .string, .required)
            .field("customer_id", .uuid, .references(Customer.schema, "id", onDelete: .cascade))
            .field("client_name", .string, .required)
            .field("client_email", .string, .required)
            .field("language", .string, .required)
            .field("token_hash", .string)
            .field("token_expires_at", .datetime)
            .field("staff_id", .uuid, .references(StaffMember.schema, "id", onDelete: .setNull))
            .field("ticket_id", .uuid, .references(Ticket.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("ended_at", .datetime)
            .field("transcript_sent_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: Self.statusIndex).on(Chat.schema).column("status").column("created_at").run()
            try await sql.create(index: Self.tokenIndex).on(Chat.schema).column("token_hash").run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.statusIndex).ifExists().run()
            try await sql.drop(index: Self.tokenIndex).ifExists().run()
        }
        try await database.schema(Chat.schema).delete()
    }
}
