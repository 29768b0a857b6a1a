import Fluent
import Foundation
import Logging
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Operations: health, readiness and JSON logs")
struct HealthTests {
    private struct Report: Decodable {
        struct Check: Decodable { let name: String; let isOK: Bool; let detail: String }
        let status: String
        let checks: [Check]

        func check(_ name: String) -> Check? { checks.first { $0.name == name } }
    }

    private func readiness(_ app: Application) async throws -> (HTTPStatus, Report) {
        let response = try await TestBrowser(app: app).get("/readyz")
        #expect(response.headers.first(name: .cacheControl) == "no-store")
        return (response.status, try JSONDecoder().decode(Report.self, from: Data(response.body.string.utf8)))
    }

    @Test("/healthz answers 200 with JSON whenever the process runs")
    func health() async throws {
        try await withPortierApp { context in
            let response = try await TestBrowser(app: context.app).get("/healthz")

            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            #expect(try JSONDecoder().decode(Report.self, from: Data(response.body.string.utf8)).status == "ok")
            #expect(response.headers[.setCookie].isEmpty)
        }
    }

    @Test("/readyz: 503 until the outbox worker polls, 200 then, 503 again when a mail has waited ten minutes")
    func readiness() async throws {
        try await withPortierApp { context in
            let (before, notReady) = try await readiness(context.app)
            #expect(before == .serviceUnavailable)
            #expect(notReady.check("outbox_worker")?.isOK == false)
            #expect(notReady.check("database")?.isOK == true)
            #expect(notReady.check("migrations")?.isOK == true)

            let worker = context.app.mail.worker
            await worker.start()
            for _ in 0..<200 where worker.lastSuccessfulPoll == nil {
                try await Task.sleep(for: .milliseconds(50))
            }
            let (ready, report) = try await readiness(context.app)
            #expect(ready == .ok, "\(report.checks)")
            #expect(report.status == "ready")

            let mail = OutgoingMail(to: try MailAddress(email: "kund@example.se"), subject: "Väntar", textBody: "x", htmlBody: "<p>x</p>")
            // Due only in an hour (so the running worker leaves it alone), written 11 minutes ago.
            let id = try await Outbox.enqueue(mail, on: context.app.db, now: context.clock.now().addingTimeInterval(3600))
            try await OutboxMessage.query(on: context.app.db).filter(\.$id == id)
                .set(\.$createdAt, to: context.clock.now().addingTimeInterval(-11 * 60)).update()
            let (stale, staleReport) = try await readiness(context.app)
            await worker.stop()

            #expect(stale == .serviceUnavailable)
            #expect(staleReport.check("outbox_queue")?.isOK == false)
        }
    }

    @Test("LOG_FORMAT=json writes one JSON object per line with time, level, message and metadata")
    func jsonLines() throws {
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 1_800_000_000), level: .notice, label: "codes.vapor.request",
            message: "CSRF check failed \"quoted\"\nsecond line", metadata: ["route": "POST /logga-in", "status": .stringConvertible(403)]
        )

        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["time"] == "2027-01-15T08:00:00.000Z")
        #expect(object["level"] == "notice")
        #expect(object["message"] == "CSRF check failed \"quoted\"\nsecond line")
        #expect(object["route"] == "POST /logga-in")
        #expect(object["status"] == "403")
        #expect(try LogFormat(environment: ["LOG_FORMAT": "json"]) == .json)
        #expect(try LogFormat(environment: [:]) == .text)
        #expect { try LogFormat(environment: ["LOG_FORMAT": "xml"]) } throws: { ($0 as? ConfigurationError)?.variable == "LOG_FORMAT" }
    }
}
