import Fluent
import Vapor

/// The part of a login every account kind shares (customers at `/logga-in`, staff members at
/// `/personal/logga-in`): the attempt is counted against its throttle keys *before* the password
/// is hashed, so concurrency cannot multiply guesses; an unknown account gets the same hashing
/// work; a hashing queue that stays full for a moment refuses before anything is counted (and
/// one that fills up in the meantime gives the attempt back). Auditing and what a right password
/// leads to stay with the caller.
struct ThrottledPasswordCheck {
    enum Result: Equatable {
        case valid
        case invalid
        case throttled(retryAfter: TimeInterval)
        case overloaded(retryAfter: TimeInterval)
    }

    let hasher: any PasswordHashing
    let throttle: Throttle

    /// Whether `password` opens `storedHash` (nil: no such account, or no password set yet).
    /// A valid password resets the keys; a wrong one leaves them counted.
    func check(_ password: String, against storedHash: String?, keys: [(key: String, policy: ThrottlePolicy)], now: Date) async throws -> Result {
        // Refused before any database write, and only after a short wait for a place: a storm's
        // surplus attempts then cost the pages neither writes nor a loop of instant refusals
        // (bench/login-storm: both slowed the dashboard while the storm ran).
        guard await hasher.waitForPlace() else { return Self.overloaded }
        if case .refused(let retryAfter) = try await throttle.reserve(keys, now: now) {
            return .throttled(retryAfter: retryAfter)
        }
        let isValid: Bool
        do {
            if let storedHash, password.count <= PasswordPolicy.maximumLength {
                isValid = try await hasher.verify(password, against: storedHash)
            } else {
                try await hasher.verifyDummy(String(password.prefix(PasswordPolicy.maximumLength)))
                isValid = false
            }
        } catch PasswordHashingError.overloaded {
            // Not the visitor's fault: give back the attempt just counted.
            for (key, _) in keys { try await throttle.release(key) }
            return Self.overloaded
        }
        guard isValid else { return .invalid }
        for (key, _) in keys { try await throttle.reset(key) }
        return .valid
    }

    private static let overloaded = Result.overloaded(retryAfter: TimeInterval(PasswordHashingError.retryAfterSeconds))

    /// The keys a login counts against: a browser that has logged in to the account before
    /// (device cookie) against its own allowance, every other one against the account's and its
    /// address's. `prefix` keeps the account kinds apart (`login:` for customers).
    static func keys(prefix: String, email: String, subjectID: UUID?, device: DeviceCookie?, clientKey: String) -> [(key: String, policy: ThrottlePolicy)] {
        if let device, let subjectID {
            return [(deviceKeyPrefix(prefix, subjectID) + device.deviceID, .loginPerDevice)]
        }
        return [(prefix + "account:" + email, .loginPerAccount), (prefix + "ip:" + clientKey, .loginPerAddress)]
    }

    static func deviceKeyPrefix(_ prefix: String, _ subjectID: UUID) -> String {
        prefix + "device:" + subjectID.uuidString.lowercased() + ":"
    }
}
