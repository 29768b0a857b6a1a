import Fluent
import Foundation

/// Keeps the tables that grow with traffic bounded: audit events after
/// `PORTIER_AUDIT_RETENTION_DAYS`, sent mail after `PORTIER_OUTBOX_RETENTION_DAYS`, searches
/// without a result nobody has repeated for ``Policy/unansweredSearchLifetime``, and throttle
/// counters whose last attempt is older than ``Policy/throttleCounterLifetime`` (longer than
/// any throttle's window, so no running delay is forgotten), and passkey challenges that ran out
/// unused. Queued and failed mail is never
/// removed. Run daily by ``DataRetentionLifecycle``; tests call ``removeExpired(now:)``.
struct DataRetention {
    struct Policy: Sendable, Equatable {
        static let day: TimeInterval = 24 * 60 * 60
        static let unansweredSearchLifetime: TimeInterval = 180 * day
        static let throttleCounterLifetime: TimeInterval = day

        var auditEventLifetime: TimeInterval
        var sentMailLifetime: TimeInterval

        init(configuration: PortierConfiguration) {
            auditEventLifetime = TimeInterval(configuration.auditRetentionDays) * Self.day
            sentMailLifetime = TimeInterval(configuration.outboxRetentionDays) * Self.day
        }
    }

    /// How many rows one pass removed, per table.
    struct Report: Equatable, Sendable, CustomStringConvertible {
        var auditEvents = 0
        var sentMails = 0
        var unansweredSearches = 0
        var throttleCounters = 0
        var passkeyChallenges = 0

        var total: Int { auditEvents + sentMails + unansweredSearches + throttleCounters + passkeyChallenges }

        var description: String {
            "clean-up removed \(total) rows: \(auditEvents) audit events, \(sentMails) sent mails, "
                + "\(unansweredSearches) searches without a result, \(throttleCounters) throttle counters, "
                + "\(passkeyChallenges) expired passkey challenges"
        }
    }

    let database: any Database
    let policy: Policy

    func removeExpired(now: Date) async throws -> Report {
        var report = Report()
        report.auditEvents = try await remove(
            AuditEvent.query(on: database).filter(\.$occurredAt < now.addingTimeInterval(-policy.auditEventLifetime))
        )
        report.sentMails = try await remove(
            OutboxMessage.query(on: database)
                .filter(\.$status == .sent)
                .filter(\.$sentAt < now.addingTimeInterval(-policy.sentMailLifetime))
        )
        report.unansweredSearches = try await remove(
            UnansweredSearch.query(on: database).filter(\.$lastSearchedAt < now.addingTimeInterval(-Policy.unansweredSearchLifetime))
        )
        report.throttleCounters = try await remove(
            ThrottleCounter.query(on: database).filter(\.$lastFailureEpoch < Int64(now.addingTimeInterval(-Policy.throttleCounterLifetime).timeIntervalSince1970))
        )
        report.passkeyChallenges = try await remove(
            PasskeyChallenge.query(on: database).filter(\.$expiresAt <= now)
        )
        return report
    }

    /// Deletes what `query` selects; returns how many rows it selected. Rows that match are
    /// already past their time, so none can appear between the count and the delete.
    private func remove<M: Model>(_ query: QueryBuilder<M>) async throws -> Int {
        let count = try await query.copy().count()
        guard count > 0 else { return 0 }
        try await query.delete()
        return count
    }
}
