import Fluent
import Vapor

/// Decides one login attempt (DESIGN § 4): the attempt is counted *before* the password is
/// hashed, so concurrency cannot multiply guesses; a browser that has logged in to the account
/// before counts against its own allowance (device cookie), every other one against the account's
/// and its address's; unknown accounts get the same hashing work; every outcome is audited (a success by `LoginCompletion`); legacy
/// or outdated hashes are upgraded on success.
struct LoginService {
    enum Outcome: Equatable {
        case succeeded(customerID: UUID)
        /// The password was right; two-step verification is on, so a code is due next.
        case secondFactorRequired(customerID: UUID)
        /// The password was right, but staff disabled this customer's login.
        case loginDisabled
        case failed
        case throttled(retryAfter: TimeInterval)
        /// Too many password checks are waiting; nothing was counted against the account.
        case overloaded(retryAfter: TimeInterval)
    }

    let request: Request
    let hasher: any PasswordHashing

    /// The throttle keys a login to `email` counts against from this browser.
    static func throttleKeys(email: String, customerID: UUID?, device: DeviceCookie?, clientKey: String) -> [(key: String, policy: ThrottlePolicy)] {
        ThrottledPasswordCheck.keys(prefix: keyPrefix, email: email, subjectID: customerID, device: device, clientKey: clientKey)
    }

    static let keyPrefix = "login:"
    static func accountKey(_ email: String) -> String { keyPrefix + "account:" + email }
    static func deviceKeyPrefix(_ customerID: UUID) -> String { ThrottledPasswordCheck.deviceKeyPrefix(keyPrefix, customerID) }

    func attempt(email rawEmail: String, password: String) async throws -> Outcome {
        let email = Customer.normalizedEmail(rawEmail)
        let now = request.portier.clock.now()
        let customer = try await Customer.find(email: email, on: request.db)
        let device = customer?.id.flatMap { request.deviceCookie(for: $0) }
        let keys = Self.throttleKeys(email: email, customerID: customer?.id, device: device, clientKey: request.clientThrottleKey)

        let check = ThrottledPasswordCheck(hasher: hasher, throttle: Throttle(database: request.db))
        switch try await check.check(password, against: customer?.passwordHash, keys: keys, now: now) {
        case .throttled(let retryAfter):
            try await request.audit(.loginThrottled, customerID: customer?.id, email: email, details: device == nil ? "unknown device" : "known device")
            return .throttled(retryAfter: retryAfter)
        case .overloaded(let retryAfter):
            return .overloaded(retryAfter: retryAfter)
        case .invalid:
            try await request.audit(.loginFailed, customerID: customer?.id, email: email)
            return .failed
        case .valid:
            break
        }
        guard let customer, let customerID = customer.id else { return .failed }

        if let storedHash = customer.passwordHash, hasher.needsRehash(storedHash) {
            customer.passwordHash = try await hasher.hash(password)
            try await customer.update(on: request.db)
        }
        if customer.isLoginDisabled {
            try await request.audit(.loginRefusedDisabled, customerID: customerID, email: email)
            return .loginDisabled
        }
        // The login itself is audited when the session starts (`LoginCompletion`).
        if try await request.twoStep.isEnabled(for: .customer(customerID), on: request.db) {
            try await request.audit(.secondFactorRequired, customerID: customerID, email: email)
            return .secondFactorRequired(customerID: customerID)
        }
        return .succeeded(customerID: customerID)
    }
}
