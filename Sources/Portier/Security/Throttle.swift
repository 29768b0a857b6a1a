import Fluent
import Foundation
import SQLKit

/// How quickly a key is slowed down: the first `freeFailures` attempts are free, then an attempt
/// is let through only when the last counted one is at least `baseDelay · 2^(n − freeFailures)` old
/// (up to `maxDelay`), n being the attempts counted so far. Never a permanent lockout: a key whose
/// last attempt is older than `window` starts again from zero.
public struct ThrottlePolicy: Sendable {
    public var freeFailures: Int
    public var window: TimeInterval
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval

    /// Per account, for browsers that have not logged in to it before: delays after 5 failures.
    public static let loginPerAccount = ThrottlePolicy(freeFailures: 5, window: 60 * 60, baseDelay: 30, maxDelay: 15 * 60)
    /// Per device that has logged in to the account before (its own allowance, OWASP device cookies).
    public static let loginPerDevice = ThrottlePolicy(freeFailures: 5, window: 60 * 60, baseDelay: 30, maxDelay: 15 * 60)
    /// Per client address (IPv6: per /64): delays after 50 failures within 15 minutes.
    public static let loginPerAddress = ThrottlePolicy(freeFailures: 50, window: 15 * 60, baseDelay: 30, maxDelay: 15 * 60)

    func delay(afterFailures failures: Int) -> TimeInterval {
        guard failures >= freeFailures else { return 0 }
        let exponent = min(failures - freeFailures, 20)
        return min(baseDelay * pow(2, Double(exponent)), maxDelay)
    }

    /// `delay(afterFailures:)` as an SQL expression over the integer column `column`: a CASE with
    /// one arm per step until the cap (at most 21 arms), numbers only.
    func delaySQL(of column: String) -> String {
        var arms = ["WHEN \(column) < \(freeFailures) THEN 0"]
        var failures = freeFailures
        while delay(afterFailures: failures) < maxDelay, failures - freeFailures <= 20 {
            arms.append("WHEN \(column) = \(failures) THEN \(Int(delay(afterFailures: failures)))")
            failures += 1
        }
        return "(CASE " + arms.joined(separator: " ") + " ELSE \(Int(maxDelay)) END)"
    }
}

/// Counts attempts per key in the database, so every instance sees the same counts.
///
/// An attempt is *reserved* before the work it guards (a password hash, a mail): one atomic
/// UPSERT … RETURNING decides it against the counter as it stands and, when it may go ahead,
/// counts it — so any number of concurrent requests are decided one after another and at most
/// the free allowance passes at once (DESIGN § 4). Refused attempts are not counted (retrying
/// early never lengthens the wait); a success forgets the key (`reset`).
public struct Throttle: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        case refused(retryAfter: TimeInterval)

        public var isAllowed: Bool { self == .allowed }
    }

    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// Decides one attempt for `key` and counts it when it may go ahead.
    public func reserve(_ key: String, policy: ThrottlePolicy, now: Date) async throws -> Decision {
        guard let sql = database as? any SQLDatabase else { throw ThrottleError.sqlDatabaseRequired }
        let nowEpoch = Int64(now.timeIntervalSince1970.rounded(.down))
        let windowStart = nowEpoch - Int64(policy.window)
        let table = ThrottleCounter.schema
        // Every SET expression reads the row as it was before this statement.
        let isStale = "\(table).last_failure_epoch <= \(windowStart)"
        let isAllowed = "(\(isStale) OR \(nowEpoch) - \(table).last_failure_epoch >= \(policy.delaySQL(of: table + ".failures")))"
        let row = try await sql.raw("""
            INSERT INTO \(ident: table) (key, failures, last_failure_epoch, last_attempt_allowed)
            VALUES (\(bind: key), 1, \(bind: nowEpoch), 1)
            ON CONFLICT (key) DO UPDATE SET
              failures = CASE WHEN \(unsafeRaw: isStale) THEN 1
                              WHEN \(unsafeRaw: isAllowed) THEN \(ident: table).failures + 1
                              ELSE \(ident: table).failures END,
              last_failure_epoch = CASE WHEN \(unsafeRaw: isAllowed) THEN \(bind: nowEpoch)
                              ELSE \(ident: table).last_failure_epoch END,
              last_attempt_allowed = CASE WHEN \(unsafeRaw: isAllowed) THEN 1 ELSE 0 END
            RETURNING failures, last_failure_epoch, last_attempt_allowed
            """).first()
        guard let row else { throw ThrottleError.noCounterReturned }
        guard try row.decode(column: "last_attempt_allowed", as: Int.self) == 0 else { return .allowed }
        let failures = try row.decode(column: "failures", as: Int.self)
        let last = try row.decode(column: "last_failure_epoch", as: Int64.self)
        let allowedAt = TimeInterval(last) + policy.delay(afterFailures: failures)
        return .refused(retryAfter: max(1, allowedAt - now.timeIntervalSince1970))
    }

    /// Reserves every key (in order) and refuses when any refuses, with the longest wait.
    /// An attempt refused by one key is not evaluated, so the keys that let it through give it back.
    public func reserve(_ keys: [(key: String, policy: ThrottlePolicy)], now: Date) async throws -> Decision {
        var longest: TimeInterval?
        var counted: [String] = []
        for (key, policy) in keys {
            switch try await reserve(key, policy: policy, now: now) {
            case .allowed: counted.append(key)
            case .refused(let retryAfter): longest = max(longest ?? 0, retryAfter)
            }
        }
        guard let longest else { return .allowed }
        for key in counted { try await release(key) }
        return .refused(retryAfter: longest)
    }

    /// Takes back one attempt of `key` that was reserved but never evaluated (the server, not the
    /// visitor, could not do the work).
    public func release(_ key: String) async throws {
        guard let sql = database as? any SQLDatabase else { throw ThrottleError.sqlDatabaseRequired }
        try await sql.raw("""
            UPDATE \(ident: ThrottleCounter.schema) SET failures = failures - 1
            WHERE key = \(bind: key) AND failures > 0
            """).run()
    }

    /// Forgets the attempts of `key` (after a success, or a completed password reset).
    public func reset(_ key: String) async throws {
        try await ThrottleCounter.query(on: database).filter(\.$id == key).delete()
    }

    /// Forgets every key that starts with `prefix`.
    public func reset(prefix: String) async throws {
        try await ThrottleCounter.query(on: database).filter(\.$id >= prefix).filter(\.$id < prefix + "\u{10FFFF}").delete()
    }
}

enum ThrottleError: Error {
    case sqlDatabaseRequired
    case noCounterReturned
}
