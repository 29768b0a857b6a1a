import Fluent
import Vapor

/// Completes a reset: checks the link and the new password, then in one transaction stores the
/// hash, uses up the link, revokes every other link, ends every session of the customer and
/// queues the "your password was changed" mail. No automatic login.
struct PasswordResetService {
    enum Outcome: Equatable {
        case changed
        case invalidLink
        case rejected([PasswordPolicy.Problem])
    }

    let request: Request

    /// The link's token row when it can still be used.
    func usableToken(_ token: String) async throws -> PasswordResetToken? {
        guard token.utf8.count <= 128, let row = try await PasswordResetToken.find(token: token, on: request.db),
              row.isUsable(at: request.portier.clock.now()), !row.customer.isLoginDisabled else {
            return nil
        }
        return row
    }

    func reset(token: String, password: String, confirmation: String) async throws -> Outcome {
        guard let row = try await usableToken(token) else { return .invalidLink }
        let customer = row.customer
        let problems = request.application.passwordPolicy.problems(password: password, confirmation: confirmation, email: customer.email)
        guard problems.isEmpty else { return .rejected(problems) }

        let hash = try await request.application.passwordHasher.hash(password)
        let services = request.portier
        let now = services.clock.now()
        let mails = RecoveryMails(catalogs: request.application.catalogs, configuration: services.configuration)
        let clientIP = request.clientIP
        let userAgent = request.headers.first(name: .userAgent)
        let customerID = try customer.requireID()
        let tokenID = try row.requireID()

        let consumed = try await request.db.transactionTakingSQLiteWriteLock { database -> Bool in
            // Claim the link first: a second, concurrent use updates no row and stops here.
            guard try await PasswordResetToken.claim(tokenID, at: now, on: database) else { return false }
            customer.passwordHash = hash
            customer.passwordChangedAt = now
            try await customer.update(on: database)
            try await PasswordResetToken.revokeAll(of: customerID, at: now, on: database)
            try await EmailChangeToken.revokeAll(of: customerID, at: now, on: database)
            try await AuthSession.endAll(ofCustomer: customerID, on: database)
            try await Outbox.enqueue(try mails.passwordChanged(for: customer, at: now), on: database, now: now)
            try await AuditEvent(kind: .passwordResetCompleted, occurredAt: now, customerID: customerID, email: customer.email, ipAddress: clientIP, userAgent: userAgent).create(on: database)
            return true
        }
        guard consumed else { return .invalidLink }
        // Whoever reset the password owns the account now: its login throttles start afresh.
        let throttle = Throttle(database: request.db)
        try await throttle.reset(LoginService.accountKey(customer.email))
        try await throttle.reset(prefix: LoginService.deviceKeyPrefix(customerID))
        return .changed
    }
}
