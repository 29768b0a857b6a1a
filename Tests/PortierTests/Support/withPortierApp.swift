import FluentKit
import Foundation
import SQLKit
import Vapor
import VaporTesting
@testable import Portier

/// The database the repository tests run on: in-memory SQLite by default, or the PostgreSQL at
/// `PORTIER_TEST_DATABASE_URL` (the test command starts one), where every test gets its own schema.
enum TestDatabase {
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PORTIER_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

struct TestContext {
    let app: Application
    let clock: TestClock
}

/// Builds a configured, migrated Portier on the test database, runs `test`, and tears it down.
func withPortierApp(
    _ adjust: (inout PortierConfiguration) -> Void = { _ in },
    _ test: (TestContext) async throws -> Void
) async throws {
    guard TestDatabase.postgresURL != nil else { return try await runPortierApp(adjust, test) }
    try await PostgresTestGate.shared.withSlot { try await runPortierApp(adjust, test) }
}

private func runPortierApp(
    _ adjust: (inout PortierConfiguration) -> Void,
    _ test: (TestContext) async throws -> Void
) async throws {
    var configuration = try PortierConfiguration.load(from: [:], environment: .testing)
    configuration.database = .sqliteInMemory
    configuration.passwordHashParameters = .testing
    configuration.secretKey = ServerSecret(bytes: Array(repeating: 7, count: ServerSecret.minimumByteCount))
    configuration.runsBackgroundWorkers = false
    configuration.mailDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portier-mail-\(UUID().uuidString)").path
    var schema: String?
    if let url = TestDatabase.postgresURL {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        configuration.database = .postgres(url: url)
        configuration.postgresSearchPath = [name]
        schema = name
    }
    adjust(&configuration)

    let clock = TestClock()
    // Its own event loops, as a server process has: requests run on their loop
    // (`EventLoopMiddleware`), and the suite runs dozens of apps at once — on shared loops their
    // pages would starve the test clients' connects (also on NIO's singleton loops).
    let app = try await Application.make(.testing, .createNew)
    app.logger.logLevel = .warning
    do {
        try await configure(app, services: PortierServices(configuration: configuration, clock: clock))
        if let schema, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.autoMigrate()
        try await test(TestContext(app: app, clock: clock))
    } catch {
        await dropSchema(schema, app: app)
        try? await app.asyncShutdown()
        throw error
    }
    await dropSchema(schema, app: app)
    try await app.asyncShutdown()
}

private func dropSchema(_ schema: String?, app: Application) async {
    guard let schema, let sql = app.db as? any SQLDatabase else { return }
    try? await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
}
