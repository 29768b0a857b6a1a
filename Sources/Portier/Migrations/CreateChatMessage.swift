import Fluent
import SQLKit

/// Integer ids in insertion order: a reconnecting client resumes after the last id it has.
struct CreateChatMessage: AsyncMigration {
    static let chatIndex = "chat_messages_chat_id_idx"

    func prepare(on database: any Database) async throws {
        try await database.schema(ChatMessage.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("chat_id", .uuid, .required, .references(Chat.schema, "id", onDelete: .cascade))
            .field("author", .string, .required)
            .field("staff_id", .uuid)
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await (database as? any SQLDatabase)?
            .create(index: Self.chatIndex).on(ChatMessage.schema).column("chat_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: Self.chatIndex).ifExists().run()
        }
        try await database.schema(ChatMessage.schema).delete()
    }
}
