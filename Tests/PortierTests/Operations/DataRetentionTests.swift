import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

/// Anonymous and operational data does not grow without bound: one clean-up removes what is past
/// its time and reports how much it removed.
@Suite("Operations: data retention")
struct DataRetentionTests {
    static let day: TimeInterval = 24 * 60 * 60

    @Test("Each kind of row is removed after its own lifetime, and only then")
    func removesExpiredRows() async throws {
        try await withPortierApp({ $0.auditRetentionDays = 30; $0.outboxRetentionDays = 7 }) { context in
            let database = context.app.db
            let now = context.clock.now()
            for age in [31.0, 29.0] {
                try await AuditEvent(kind: .loginFailed, occurredAt: now.addingTimeInterval(-age * Self.day), customerID: nil, email: "x@example.se", ipAddress: nil, userAgent: nil).create(on: database)
            }
            let oldSent = try await Outbox.enqueue(try SampleMail.make(marker: "gammal"), on: database, now: now.addingTimeInterval(-10 * Self.day))
            let recentSent = try await Outbox.enqueue(try SampleMail.make(marker: "ny"), on: database, now: now.addingTimeInterval(-10 * Self.day))
            let oldQueued = try await Outbox.enqueue(try SampleMail.make(marker: "köad"), on: database, now: now.addingTimeInterval(-40 * Self.day))
            try await OutboxMessage.query(on: database).filter(\.$id == oldSent).set(\.$status, to: .sent).set(\.$sentAt, to: now.addingTimeInterval(-8 * Self.day)).update()
            try await OutboxMessage.query(on: database).filter(\.$id == recentSent).set(\.$status, to: .sent).set(\.$sentAt, to: now.addingTimeInterval(-6 * Self.day)).update()
            let search = HelpSearch(database: database, engine: context.app.guideSearchEngine)
            try await search.recordUnanswered("gammal fråga", language: .swedish, at: now.addingTimeInterval(-181 * Self.day))
            try await search.recordUnanswered("ny fråga", language: .swedish, at: now.addingTimeInterval(-179 * Self.day))
            let throttle = Throttle(database: database)
            _ = try await throttle.reserve("login:ip:192.0.2.1", policy: .loginPerAddress, now: now.addingTimeInterval(-25 * 60 * 60))
            _ = try await throttle.reserve("login:ip:192.0.2.2", policy: .loginPerAddress, now: now.addingTimeInterval(-23 * 60 * 60))

            let report = try await DataRetention(database: database, policy: .init(configuration: context.app.portier.configuration)).removeExpired(now: now)

            #expect(report == DataRetention.Report(auditEvents: 1, sentMails: 1, unansweredSearches: 1, throttleCounters: 1))
            #expect(report.description == "clean-up removed 4 rows: 1 audit events, 1 sent mails, 1 searches without a result, 1 throttle counters, 0 expired passkey challenges")
            #expect(try await AuditEvent.query(on: database).count() == 1)
            #expect(Set(try await OutboxMessage.query(on: database).all().compactMap(\.id)) == [recentSent, oldQueued])
            #expect(try await UnansweredSearch.query(on: database).all().map(\.query) == ["ny fråga"])
            #expect(try await ThrottleCounter.query(on: database).all().compactMap(\.id) == ["login:ip:192.0.2.2"])
        }
    }

    @Test("Retention periods are read and checked", arguments: [
        ("PORTIER_AUDIT_RETENTION_DAYS", "0"),
        ("PORTIER_AUDIT_RETENTION_DAYS", "ett år"),
        ("PORTIER_OUTBOX_RETENTION_DAYS", "-1"),
    ])
    func configuration(variable: String, value: String) throws {
        let defaults = try PortierConfiguration.load(from: [:], environment: .development)
        let configured = try PortierConfiguration.load(from: ["PORTIER_AUDIT_RETENTION_DAYS": "90", "PORTIER_OUTBOX_RETENTION_DAYS": "14"], environment: .development)

        let error = #expect(throws: ConfigurationError.self) {
            try PortierConfiguration.load(from: [variable: value], environment: .development)
        }

        #expect(defaults.auditRetentionDays == 365)
        #expect(defaults.outboxRetentionDays == 30)
        #expect(configured.auditRetentionDays == 90)
        #expect(configured.outboxRetentionDays == 14)
        #expect(error?.variable == variable)
    }

    @Test("A search repeated by a scanner is one row with a counter")
    func oneRowPerQuery() async throws {
        try await withPortierApp { context in
            let search = HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine)
            let now = context.clock.now()

            try await withThrowingTaskGroup(of: Void.self) { group in
                for variant in Array(repeating: ["DNSSEC", "dnssec", "  dnssec\u{1B} "], count: 2).joined() {
                    group.addTask { try await search.recordUnanswered(variant, language: .swedish, at: now) }
                }
                try await group.waitForAll()
            }

            let rows = try await UnansweredSearch.query(on: context.app.db).all()
            #expect(rows.map(\.query) == ["dnssec"])
            #expect(rows.first?.searchCount == 6)
        }
    }

    @Test("The daily job runs while serving and logs what it removed")
    func lifecycle() async throws {
        try await withPortierApp { context in
            let now = context.clock.now()
            try await AuditEvent(kind: .logout, occurredAt: now.addingTimeInterval(-400 * Self.day), customerID: nil, email: nil, ipAddress: nil, userAgent: nil).create(on: context.app.db)
            let (passes, continuation) = AsyncStream.makeStream(of: DataRetention.Report.self)
            let job = DataRetentionLifecycle(firstPassAfter: .zero, interval: .seconds(3600), onPass: { continuation.yield($0) })

            try await job.didBootAsync(context.app)
            var iterator = passes.makeAsyncIterator()
            let first = await iterator.next()
            await job.shutdownAsync(context.app)

            #expect(first?.auditEvents == 1)
            #expect(try await AuditEvent.query(on: context.app.db).count() == 0)
        }
    }
}
