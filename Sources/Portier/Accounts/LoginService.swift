import Fluent
import Vapor

/// Decides one login attempt (DESIGN § 4): throttling per account and per address, the same
/// hashing work for unknown accounts, an audit event for every outcome, and transparent upgrade
/// of legacy or outdated hashes.
struct LoginService {
    enum Outcome: Equatable {
        case succeeded(customerID: UUID)
        case failed
        case throttled(retryAfter: TimeInterval)
    }

    let request: Request
    let hasher: any PasswordHashing

    func attempt(email rawEmail: String, password: String) async throws -> Outcome {
        let email = Customer.normalizedEmail(rawEmail)
        let now = request.portier.clock.now()
        let throttle = Throttle(database: request.db)
        let accountKey = "login:account:" + email
        let addressKey = "login:ip:" + (request.clientIP ?? "unknown")

        let accountBlock = try await throttle.blockedUntil(accountKey, policy: .loginPerAccount, now: now)
        let addressBlock = try await throttle.blockedUntil(addressKey, policy: .loginPerAddress, now: now)
        if let until = [accountBlock, addressBlock].compactMap({ $0 }).max() {
            try await request.audit(.loginThrottled, email: email, details: accountBlock != nil ? "account" : "address")
            return .throttled(retryAfter: until.timeIntervalSince(now))
        }

        let customer = try await Customer.find(email: email, on: request.db)
        let isValid: Bool
        if let customer, let storedHash = customer.passwordHash, password.count <= PasswordPolicy.maximumLength {
            isValid = try await hasher.verify(password, against: storedHash)
        } else {
            try await hasher.verifyDummy(String(password.prefix(PasswordPolicy.maximumLength)))
            isValid = false
        }

        guard isValid, let customer, let customerID = customer.id else {
            try await throttle.recordFailure(accountKey, policy: .loginPerAccount, now: now)
            try await throttle.recordFailure(addressKey, policy: .loginPerAddress, now: now)
            try await request.audit(.loginFailed, customerID: customer?.id, email: email)
            return .failed
        }

        try await throttle.reset(accountKey)
        if let storedHash = customer.passwordHash, hasher.needsRehash(storedHash) {
            customer.passwordHash = try await hasher.hash(password)
            try await customer.update(on: request.db)
        }
        try await request.audit(.loginSucceeded, customerID: customerID, email: email)
        return .succeeded(customerID: customerID)
    }
}
