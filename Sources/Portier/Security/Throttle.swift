import Fluent
import Foundation
import SQLKit

/// How quickly a key is slowed down: the first `freeFailures` are free, then each further attempt
/// waits `baseDelay · 2^(n − freeFailures)` up to `maxDelay`. Never a permanent lockout: a key
/// whose last failure is older than `window` starts again from zero.
public struct ThrottlePolicy: Sendable {
    public var freeFailures: Int
    public var window: TimeInterval
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    /// Per account: delays begin after the 5th consecutive failure.
    public static let loginPerAccount = ThrottlePolicy(freeFailures: 5, window: 60 * 60, baseDelay: 30, maxDelay: 15 * 60)
    /// Per client address: delays begin after the 50th failure within 15 minutes.
    public static let loginPerAddress = ThrottlePolicy(freeFailures: 50, window: 15 * 60, baseDelay: 30, maxDelay: 15 * 60)

    func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        let exponent = min(failures - freeFailures, 20)
        return min(baseDelay * pow(2, Double(exponent)), maxDelay)
    }
}

/// Reads and updates throttle counters. Increments are single atomic upserts, so parallel
/// requests cannot lose a failure.
public struct Throttle: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// When the key may try again, or `nil` when it may try now.
    public func blockedUntil(_ key: String, policy: ThrottlePolicy, now: Date) async throws -> Date? {
        guard let counter = try await ThrottleCounter.find(key, on: database) else { return nil }
        let last = Date(timeIntervalSince1970: TimeInterval(counter.lastFailureEpoch))
        guard now.timeIntervalSince(last) < policy.window else { return nil }
        let until = last.addingTimeInterval(policy.delay(afterFailures: counter.failures))
        return until > now ? until : nil
    }

    /// Counts one more failure for `key`.
    public func recordFailure(_ key: String, policy: ThrottlePolicy, now: Date) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let nowEpoch = Int64(now.timeIntervalSince1970)
        let windowStart = nowEpoch - Int64(policy.window)
        try await sql.raw("""
            INSERT INTO \(ident: ThrottleCounter.schema) (key, failures, last_failure_epoch)
            VALUES (\(bind: key), 1, \(bind: nowEpoch))
            ON CONFLICT (key) DO UPDATE SET
              failures = CASE WHEN \(ident: ThrottleCounter.schema).last_failure_epoch <= \(bind: windowStart)
                              THEN 1 ELSE \(ident: ThrottleCounter.schema).failures + 1 END,
              last_failure_epoch = excluded.last_failure_epoch
            """).run()
    }

    /// Forgets the failures of `key` (after a successful login).
    public func reset(_ key: String) async throws {
        try await ThrottleCounter.query(on: database).filter(\.$id == key).delete()
    }
}
