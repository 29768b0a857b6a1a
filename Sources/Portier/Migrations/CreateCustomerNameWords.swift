import Fluent
import SQLKit

/// The staff search by any word of a name (`CustomerNameWords`): one row per word of a
/// customer's name (the name from that word on), keyed by customer and word so a row is never
/// doubled, and indexed by word then customer for the prefix range read with keyset paging.
/// On PostgreSQL the column compares byte-wise (`COLLATE "C"`), whatever the database's locale,
/// so a range `[prefix, prefix + U+10FFFF)` is exactly "starts with"; SQLite's default already is.
/// Existing customers get their rows here.
struct CreateCustomerNameWords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let isPostgres = (database as? any SQLDatabase)?.dialect.name == "postgresql"
        try await database.schema(CustomerNameWords.schema)
            .field("customer_id", .uuid, .required, .references(Customer.schema, "id", onDelete: .cascade))
            .field("word_key", isPostgres ? .sql(unsafeRaw: #"TEXT COLLATE "C""#) : .string, .required)
            .compositeIdentifier(over: "customer_id", "word_key")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: CustomerNameWords.keyIndex).on(CustomerNameWords.schema).column("word_key").column("customer_id").run()
        try await CustomerNameWords.rebuildAll(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CustomerNameWords.schema).delete()
    }
}
