import Fluent
import SQLKit
import Vapor

/// `GET /healthz` (the process answers) and `GET /readyz` (this instance can do its work: the
/// database answers, every migration has run, the outbox worker polls, and no mail has waited
/// ten minutes), as JSON with 200 or 503, for load balancers and orchestrators. Never cached.
struct HealthController: RouteCollection {
    /// The oldest queued mail may be this old before the instance reports itself not ready.
    static let maximumMailAge: TimeInterval = 10 * 60
    /// A worker whose last poll is older than this is taken for stuck.
    static let maximumPollAge: TimeInterval = 60

    struct Check: Content, Equatable {
        let name: String
        let isOK: Bool
        let detail: String
    }

    struct Report: Content {
        let status: String
        let checks: [Check]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.health.pathComponents, use: health).issuesNoCSRFToken()
        routes.get(SitePath.readiness.pathComponents, use: readiness).issuesNoCSRFToken()
    }

    @Sendable
    func health(request: Request) async throws -> Response {
        try await respond(Report(status: "ok", checks: []), status: .ok)
    }

    @Sendable
    func readiness(request: Request) async throws -> Response {
        let checks = await [database(request), migrations(request), outboxWorker(request), oldestQueuedMail(request)]
        let isReady = checks.allSatisfy(\.isOK)
        return try await respond(Report(status: isReady ? "ready" : "not ready", checks: checks), status: isReady ? .ok : .serviceUnavailable)
    }

    private func respond(_ report: Report, status: HTTPStatus) async throws -> Response {
        let response = Response(status: status)
        try response.content.encode(report, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func database(_ request: Request) async -> Check {
        do {
            guard let sql = request.db as? any SQLDatabase else { return Check(name: "database", isOK: false, detail: "not an SQL database") }
            try await sql.raw("SELECT 1").run()
            return Check(name: "database", isOK: true, detail: sql.dialect.name)
        } catch {
            return Check(name: "database", isOK: false, detail: "unreachable")
        }
    }

    private func migrations(_ request: Request) async -> Check {
        do {
            let applied = try await MigrationLog.query(on: request.db).count()
            let expected = PortierMigrations.all.count
            return Check(name: "migrations", isOK: applied >= expected, detail: "\(applied) of \(expected) applied")
        } catch {
            return Check(name: "migrations", isOK: false, detail: "cannot be read")
        }
    }

    private func outboxWorker(_ request: Request) async -> Check {
        let worker = request.application.mail.worker
        guard await worker.isRunning else { return Check(name: "outbox_worker", isOK: false, detail: "not running") }
        guard let lastPoll = worker.lastSuccessfulPoll else { return Check(name: "outbox_worker", isOK: false, detail: "no successful poll yet") }
        let age = request.portier.clock.now().timeIntervalSince(lastPoll)
        return Check(name: "outbox_worker", isOK: age <= Self.maximumPollAge, detail: "last poll \(Int(age)) s ago")
    }

    private func oldestQueuedMail(_ request: Request) async -> Check {
        do {
            guard let oldest = try await OutboxMessage.query(on: request.db)
                .filter(\.$status ~~ [.queued, .sending])
                .sort(\.$createdAt)
                .first() else {
                return Check(name: "outbox_queue", isOK: true, detail: "empty")
            }
            let age = request.portier.clock.now().timeIntervalSince(oldest.createdAt)
            return Check(name: "outbox_queue", isOK: age < Self.maximumMailAge, detail: "oldest queued mail \(Int(age)) s old")
        } catch {
            return Check(name: "outbox_queue", isOK: false, detail: "cannot be read")
        }
    }
}
