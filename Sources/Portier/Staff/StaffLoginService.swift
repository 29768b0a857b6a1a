import Fluent
import Vapor

/// Decides one staff login attempt at `/personal/logga-in` with the customers' rules
/// (`ThrottledPasswordCheck`: counted before hashing, device cookies, dummy work for unknown
/// addresses) on keys of its own. A right password never logs in by itself: the second factor
/// is mandatory for staff, so success means "a code (or, the first time, the set-up) is due".
/// A disabled member gets the same answer as a wrong password. Every outcome is audited with
/// the staff id when the address belongs to a member.
struct StaffLoginService {
    enum Outcome: Equatable {
        case secondFactorDue(staffID: UUID)
        case failed
        case throttled(retryAfter: TimeInterval)
        case overloaded(retryAfter: TimeInterval)
    }

    static let keyPrefix = "staff-login:"

    let request: Request
    let hasher: any PasswordHashing

    static func throttleKeys(email: String, staffID: UUID?, device: DeviceCookie?, clientKey: String) -> [(key: String, policy: ThrottlePolicy)] {
        ThrottledPasswordCheck.keys(prefix: keyPrefix, email: email, subjectID: staffID, device: device, clientKey: clientKey)
    }

    func attempt(email rawEmail: String, password: String) async throws -> Outcome {
        let email = Customer.normalizedEmail(rawEmail)
        let now = request.portier.clock.now()
        let member = try await StaffMember.find(email: email, on: request.db)
        let device = member?.id.flatMap { request.deviceCookie(for: $0) }
        let keys = Self.throttleKeys(email: email, staffID: member?.id, device: device, clientKey: request.clientThrottleKey)

        let check = ThrottledPasswordCheck(hasher: hasher, throttle: Throttle(database: request.db))
        switch try await check.check(password, against: member?.passwordHash, keys: keys, now: now) {
        case .throttled(let retryAfter):
            try await request.audit(.staffLoginThrottled, staffID: member?.id, email: email, details: device == nil ? "unknown device" : "known device")
            return .throttled(retryAfter: retryAfter)
        case .overloaded(let retryAfter):
            return .overloaded(retryAfter: retryAfter)
        case .invalid:
            try await request.audit(.staffLoginFailed, staffID: member?.id, email: email)
            return .failed
        case .valid:
            break
        }
        guard let member, let staffID = member.id else { return .failed }
        guard !member.isDisabled else {
            try await request.audit(.staffLoginFailed, staffID: staffID, email: email, details: "disabled")
            return .failed
        }
        if let storedHash = member.passwordHash, hasher.needsRehash(storedHash) {
            member.passwordHash = try await hasher.hash(password)
            try await member.update(on: request.db)
        }
        try await request.audit(.staffSecondFactorRequired, staffID: staffID, email: email)
        return .secondFactorDue(staffID: staffID)
    }
}
