import Fluent
import Vapor

/// Kontaktuppgifter's changes: contact details, the registered e-mail address (confirmed through
/// a link to the new address) and the password. Changes of the address or the password need the
/// current password, which is throttled like a login.
struct AccountSettings {
    /// Wrong current passwords: five free, then growing delays, forgotten after an hour.
    static let currentPasswordPolicy = ThrottlePolicy(freeFailures: 5, window: 60 * 60, baseDelay: 30, maxDelay: 15 * 60)

    let request: Request

    private var now: Date { request.portier.clock.now() }

    // MARK: Contact details

    func updateContactDetails(_ details: ContactDetails, of customer: Customer) async throws {
        let customerID = try customer.requireID()
        customer.apply(details)
        let event = auditEvent(.contactDetailsUpdated, customerID: customerID, email: customer.email)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await customer.update(on: database)
            try await event.create(on: database)
        }
    }

    // MARK: E-mail address

    enum EmailField: String, Sendable {
        case newEmail = "new_email"
        case currentPassword = "current_password"
    }

    /// Checks the request and sends the confirmation link to the new address.
    /// - Returns: The new address, normalised.
    /// - Throws: ``FormProblems`` of ``EmailField`` with a problem per field.
    @discardableResult
    func requestEmailChange(for authenticated: AuthenticatedCustomer, newEmail rawEmail: String, currentPassword: String) async throws -> String {
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        let newEmail = Customer.normalizedEmail(rawEmail)
        var problems: [EmailField: CustomerAreaError] = [:]
        if (try? MailAddress(email: newEmail)) == nil { problems[.newEmail] = .emailInvalid }
        else if newEmail == customer.email { problems[.newEmail] = .emailUnchanged }
        do {
            try await verifyCurrentPassword(currentPassword, of: customer)
        } catch let error as CustomerAreaError {
            problems[.currentPassword] = error
        }
        // Whether an address is taken is only told to someone who knows the password.
        if problems.isEmpty, try await Customer.find(email: newEmail, on: request.db) != nil {
            problems[.newEmail] = .emailTaken
        }
        guard problems.isEmpty else { throw FormProblems(byField: problems) }

        let services = request.portier
        let now = self.now
        let token = services.random.makeToken(byteCount: 32)
        let link = CustomerAreaMails(catalogs: request.application.catalogs, configuration: services.configuration)
            .absolute(SiteURL.confirmEmail(token: .value(token)).path)
        let mails = CustomerAreaMails(catalogs: request.application.catalogs, configuration: services.configuration)
        let mail = try mails.emailChangeLink(for: customer, newEmail: newEmail, link: link, validFor: EmailChangeToken.lifetime)
        let warning = try mails.emailChangeRequested(for: customer, newEmail: newEmail, at: now)
        let event = auditEvent(.emailChangeRequested, customerID: customerID, email: customer.email, details: newEmail)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await EmailChangeToken.revokeAll(of: customerID, at: now, on: database)
            try await EmailChangeToken(
                customerID: customerID, newEmail: newEmail, tokenHash: TokenDigest.sha256Hex(token),
                createdAt: now, expiresAt: now.addingTimeInterval(EmailChangeToken.lifetime)
            ).create(on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await Outbox.enqueue(warning, on: database, now: now)
            try await event.create(on: database)
        }
        return newEmail
    }


    enum ConfirmationOutcome: Equatable {
        case changed(newEmail: String)
        case invalidLink
        case emailTaken
    }

    /// The link's token row when it can still be used.
    func usableEmailChangeToken(_ token: String) async throws -> EmailChangeToken? {
        guard let row = try await EmailChangeToken.find(token: token, on: request.db), row.isUsable(at: now) else { return nil }
        return row
    }

    /// Follows the link: the new address becomes the registered one, open reset and confirmation
    /// links are revoked, and the old address is told.
    func confirmEmailChange(token: String) async throws -> ConfirmationOutcome {
        guard let row = try await usableEmailChangeToken(token) else { return .invalidLink }
        let customer = row.customer
        let customerID = try customer.requireID()
        let tokenID = try row.requireID()
        let newEmail = row.newEmail
        let oldEmail = customer.email
        if try await Customer.find(email: newEmail, on: request.db) != nil { return .emailTaken }

        let now = self.now
        let mails = CustomerAreaMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
        let event = auditEvent(.emailChangeCompleted, customerID: customerID, email: newEmail, details: "from " + oldEmail)
        do {
            let changed = try await request.db.transactionTakingSQLiteWriteLock { database -> Bool in
                guard try await EmailChangeToken.claim(tokenID, at: now, on: database) else { return false }
                customer.email = newEmail
                try await customer.update(on: database)
                try await PasswordResetToken.revokeAll(of: customerID, at: now, on: database)
                try await EmailChangeToken.revokeAll(of: customerID, at: now, on: database)
                try await Outbox.enqueue(try mails.emailChanged(for: customer, from: oldEmail, to: newEmail, at: now), on: database, now: now)
                try await event.create(on: database)
                return true
            }
            return changed ? .changed(newEmail: newEmail) : .invalidLink
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Someone registered the address between the check and the update.
            customer.email = oldEmail
            return .emailTaken
        }
    }

    // MARK: Password

    enum PasswordField: String, Sendable {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }


    /// Sets a new password: checks the current one and the rules, revokes open reset and
    /// confirmation links, ends every other session (this one stays), and queues the
    /// "your password was changed" mail.
    func changePassword(for authenticated: AuthenticatedCustomer, currentPassword: String, newPassword: String, confirmation: String) async throws {
        let customer = authenticated.customer
        let customerID = try customer.requireID()
        var problems: [PasswordField: CustomerAreaError] = [:]
        let policyProblems = request.application.passwordPolicy.problems(password: newPassword, confirmation: confirmation, email: customer.email)
        if !policyProblems.isEmpty { problems[.newPassword] = .passwordRejected(policyProblems) }
        do {
            try await verifyCurrentPassword(currentPassword, of: customer)
        } catch let error as CustomerAreaError {
            problems[.currentPassword] = error
        }
        guard problems.isEmpty else { throw FormProblems(byField: problems) }

        let hash = try await request.application.passwordHasher.hash(newPassword)
        let now = self.now
        let sessionID = try authenticated.session.requireID()
        let mail = try RecoveryMails(catalogs: request.application.catalogs, configuration: request.portier.configuration)
            .passwordChanged(for: customer, at: now, otherSessionsOnly: true)
        let event = auditEvent(.passwordChanged, customerID: customerID, email: customer.email)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            customer.passwordHash = hash
            customer.passwordChangedAt = now
            try await customer.update(on: database)
            try await PasswordResetToken.revokeAll(of: customerID, at: now, on: database)
            try await EmailChangeToken.revokeAll(of: customerID, at: now, on: database)
            try await AuthSession.endAll(ofCustomer: customerID, except: sessionID, on: database)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await event.create(on: database)
        }
    }

    // MARK: Current password

    /// Throws ``CustomerAreaError/currentPasswordMissing``, `…Wrong` or `…Throttled`. The attempt
    /// is counted before the password is hashed, so concurrent guesses cannot pass the allowance.
    func verifyCurrentPassword(_ password: String, of customer: Customer) async throws {
        let customerID = try customer.requireID()
        guard !password.isEmpty else { throw CustomerAreaError.currentPasswordMissing }
        let throttle = Throttle(database: request.db)
        let key = "current-password:" + customerID.uuidString
        if case .refused(let retryAfter) = try await throttle.reserve(key, policy: Self.currentPasswordPolicy, now: now) {
            try await request.audit(.currentPasswordThrottled, customerID: customerID, email: customer.email)
            throw CustomerAreaError.currentPasswordThrottled(minutes: max(1, Int((retryAfter / 60).rounded(.up))))
        }
        let hasher = request.application.passwordHasher
        let isValid: Bool
        do {
            if let storedHash = customer.passwordHash, password.count <= PasswordPolicy.maximumLength {
                isValid = try await hasher.verify(password, against: storedHash)
            } else {
                isValid = false
            }
        } catch PasswordHashingError.overloaded {
            try await throttle.release(key)
            throw PasswordHashingError.overloaded
        }
        guard isValid else {
            try await request.audit(.currentPasswordRejected, customerID: customerID, email: customer.email)
            throw CustomerAreaError.currentPasswordWrong
        }
        try await throttle.reset(key)
    }

    private func auditEvent(_ kind: AuditEvent.Kind, customerID: UUID, email: String?, details: String? = nil) -> AuditEvent {
        AuditEvent(
            kind: kind, occurredAt: now, customerID: customerID, staffID: request.actingStaffID, email: email,
            ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent), details: details
        )
    }
}
