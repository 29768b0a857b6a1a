import FluentPostgresDriver
import Vapor

/// Instances that start at the same moment on one PostgreSQL take turns for the start-up work
/// (migrations, the guide import): a session-level advisory lock on a connection of its own,
/// held while the work runs. The others wait, then find nothing left to do. SQLite serves one
/// process and needs no lock.
enum StartupLock {
    /// Any fixed number, the same in every instance ("Portier" in ASCII).
    static let key: Int64 = 0x506F_7274_6965_72

    static func withLock<Result: Sendable>(_ app: Application, _ work: () async throws -> Result) async throws -> Result {
        guard case .postgres(let url) = app.portier.configuration.database else { return try await work() }
        let configuration = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(
            on: app.eventLoopGroup.any(), configuration: configuration.coreConfiguration, id: 0, logger: app.logger
        )
        do {
            app.logger.info("start-up: waiting for the start-up lock (other instances may be migrating)")
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.key))", logger: app.logger)
            let result = try await work()
            _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.key))", logger: app.logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()   // closing the session releases the lock too
            throw error
        }
    }
}
