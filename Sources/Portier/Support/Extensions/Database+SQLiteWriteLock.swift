import FluentKit
import SQLKit

extension Database {
    /// A transaction that writes: use it instead of `transaction` everywhere.
    ///
    /// On SQLite its first statement takes the database's write lock (a write that changes
    /// nothing) — what `BEGIN IMMEDIATE` would do, which Fluent's `transaction` cannot be asked
    /// for (it always sends a plain `BEGIN`, and a hand-made `BEGIN IMMEDIATE` on a pooled
    /// connection would bypass Fluent's transaction bookkeeping). Fluent
    /// begins a deferred transaction, so a transaction that reads first holds a read lock and must
    /// upgrade it at its first write; while another connection writes, SQLite refuses that
    /// upgrade at once with "database is locked" (SQLITE_BUSY without waiting: waiting could
    /// deadlock). Taking the write lock first makes it wait its turn instead. The browser tests met
    /// this as a 500 on a guide vote while the outbox worker and the view counter were writing.
    /// PostgreSQL: Fluent's transaction as it is.
    func transactionTakingSQLiteWriteLock<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transaction { database in
            if let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" {
                try await SQLiteBusyTimeout.apply(to: database)
                try await sql.raw(#"UPDATE "_fluent_migrations" SET "batch" = "batch" WHERE 0"#).run()
            }
            return try await work(database)
        }
    }
}
