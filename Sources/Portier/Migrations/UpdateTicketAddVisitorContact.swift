import Fluent
import Foundation
import SQLKit

/// A visitor's message left in the chat becomes a ticket without a customer: the ticket keeps the
/// visitor's name, e-mail and language, and staff replies are mailed there. `customer_id` becomes
/// nullable.
///
/// PostgreSQL drops the NOT NULL constraint. SQLite cannot change a column's constraints, so the
/// table is rebuilt as SQLite's documentation describes: on one connection with foreign keys off
/// (so dropping the old table does not cascade to the messages, notes and chats that refer to
/// it), the new table created from the old one's own definition with `NOT NULL` removed, rows
/// copied, the old table dropped, the new one renamed, indexes recreated and
/// `PRAGMA foreign_key_check` run before the commit.
struct UpdateTicketAddVisitorContact: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            try await Self.rebuildSQLiteTable(on: database, customerRequired: false)
        } else {
            try await sql.raw(#"ALTER TABLE "tickets" ALTER COLUMN "customer_id" DROP NOT NULL"#).run()
        }
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for column in Self.contactColumns {
            try await database.schema(Ticket.schema).field(.string(column), .string).update()
        }
    }

    /// Visitors' tickets (and, by cascade, their messages and notes) are deleted: the old schema
    /// has no place for them.
    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.delete(from: Ticket.schema).where("customer_id", .is, SQLLiteral.null).run()
        for column in Self.contactColumns {
            try await database.schema(Ticket.schema).deleteField(FieldKey.string(column)).update()
        }
        if sql.dialect.name == "sqlite" {
            try await Self.rebuildSQLiteTable(on: database, customerRequired: true)
        } else {
            try await sql.raw(#"ALTER TABLE "tickets" ALTER COLUMN "customer_id" SET NOT NULL"#).run()
        }
    }

    static let contactColumns = ["contact_name", "contact_email", "contact_language"]

    struct SQLiteRebuildFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// The column's definition in the table's SQL, with or without `NOT NULL` (any type name).
    private static let nullable = (pattern: #""customer_id" ([A-Z]+) REFERENCES"#, template: #""customer_id" $1 REFERENCES"#)
    private static let required = (pattern: #""customer_id" ([A-Z]+) NOT NULL REFERENCES"#, template: #""customer_id" $1 NOT NULL REFERENCES"#)

    private static func rebuildSQLiteTable(on database: any Database, customerRequired: Bool) async throws {
        try await database.withConnection { connection in
            guard let sql = connection as? any SQLDatabase else { return }
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            do {
                // Inside a transaction SQLite ignores the pragma: refuse rather than cascade-delete.
                let enforced = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self) ?? 1
                guard enforced == 0 else {
                    throw SQLiteRebuildFailure(description: "tickets: foreign keys could not be switched off (inside a transaction?); the table was not rebuilt")
                }
                try await connection.transaction { transaction in
                    guard let sql = transaction as? any SQLDatabase else { return }
                    guard let definition = try await sql.raw("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'")
                        .first()?.decode(column: "sql", as: String.self) else {
                        throw SQLiteRebuildFailure(description: "tickets: no table definition")
                    }
                    let (from, to) = customerRequired ? (nullable, required) : (required, nullable)
                    guard definition.range(of: from.pattern, options: .regularExpression) != nil, definition.hasPrefix(#"CREATE TABLE "tickets""#) else {
                        throw SQLiteRebuildFailure(description: "tickets: unexpected definition \(definition)")
                    }
                    let rebuilt = definition
                        .replacingOccurrences(of: from.pattern, with: to.template, options: .regularExpression)
                        .replacingOccurrences(of: #"CREATE TABLE "tickets""#, with: #"CREATE TABLE "tickets_rebuilt""#)
                    try await sql.raw(SQLQueryString(rebuilt)).run()
                    try await sql.raw(#"INSERT INTO "tickets_rebuilt" SELECT * FROM "tickets""#).run()
                    try await sql.raw(#"DROP TABLE "tickets""#).run()
                    try await sql.raw(#"ALTER TABLE "tickets_rebuilt" RENAME TO "tickets""#).run()
                    try await sql.create(index: CreateTicket.customerIndex).on(Ticket.schema).column("customer_id").column("last_activity_at").run()
                    try await sql.create(index: UpdateTicketAddAssignedStaff.queueIndex).on(Ticket.schema).column("status").column("last_activity_at").run()
                    let problems = try await sql.raw("PRAGMA foreign_key_check").all()
                    guard problems.isEmpty else {
                        throw SQLiteRebuildFailure(description: "tickets: \(problems.count) foreign key problems after the rebuild")
                    }
                }
            } catch {
                try await sql.raw("PRAGMA foreign_keys = ON").run()
                throw error
            }
            try await sql.raw("PRAGMA foreign_keys = ON").run()
        }
    }
}
