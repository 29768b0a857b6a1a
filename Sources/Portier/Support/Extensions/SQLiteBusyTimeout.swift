import FluentKit
import SQLKit
import Vapor

/// A statement of one SQLite connection that meets another's write lock waits for it. sqlite-nio
/// installs a busy handler that retries at once, forever: a waiting connection spins on its thread
/// at full speed, taking the CPU from the connection that holds the lock (measured: 60 concurrent
/// votes on a loaded machine timed out). SQLite's own busy timeout sleeps between retries instead
/// (and replaces the handler); a wait longer than this fails with "database is locked".
enum SQLiteBusyTimeout {
    static let milliseconds = 10_000

    /// Sets the timeout on `database`'s connection (a setting of the connection, kept across
    /// statements). Does nothing on PostgreSQL.
    static func apply(to database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
    }

    /// Sets it on the connection of every event loop's pool (one each), right after configuration.
    static func applyToEveryConnection(of app: Application) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let database = app.databases.database(logger: app.logger, on: eventLoop) else { continue }
            try await apply(to: database)
        }
    }
}
