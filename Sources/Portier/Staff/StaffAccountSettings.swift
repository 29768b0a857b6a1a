import Fluent
import Vapor

/// Mitt konto's checks and changes for the logged-in staff member: the current password
/// (throttled like a customer's, on keys of its own) and a new password with the customers'
/// policy. Errors are the customer area's (`CustomerAreaError`), whose messages fit both.
struct StaffAccountSettings {
    let request: Request

    private var now: Date { request.portier.clock.now() }

    static func currentPasswordKey(_ staffID: UUID) -> String {
        "staff-current-password:" + staffID.uuidString.lowercased()
    }

    /// Throws ``CustomerAreaError/currentPasswordMissing``, `…Wrong` or `…Throttled`; the
    /// attempt is counted before the password is hashed.
    func verifyCurrentPassword(_ password: String, of member: StaffMember) async throws {
        let staffID = try member.requireID()
        guard !password.isEmpty else { throw CustomerAreaError.currentPasswordMissing }
        let throttle = Throttle(database: request.db)
        let key = Self.currentPasswordKey(staffID)
        if case .refused(let retryAfter) = try await throttle.reserve(key, policy: AccountSettings.currentPasswordPolicy, now: now) {
            try await request.audit(.staffCurrentPasswordThrottled, staffID: staffID, email: member.email)
            throw CustomerAreaError.currentPasswordThrottled(minutes: max(1, Int((retryAfter / 60).rounded(.up))))
        }
        let isValid: Bool
        do {
            if let storedHash = member.passwordHash, password.count <= PasswordPolicy.maximumLength {
                isValid = try await request.application.passwordHasher.verify(password, against: storedHash)
            } else {
                isValid = false
            }
        } catch PasswordHashingError.overloaded {
            try await throttle.release(key)
            throw PasswordHashingError.overloaded
        }
        guard isValid else {
            try await request.audit(.staffCurrentPasswordRejected, staffID: staffID, email: member.email)
            throw CustomerAreaError.currentPasswordWrong
        }
        try await throttle.reset(key)
    }

    /// Sets a new password: checks the current one and the rules, revokes open set-password
    /// links and ends the member's other sessions (this one stays).
    /// - Throws: ``FormProblems`` of ``AccountSettings/PasswordField``.
    func changePassword(for staff: AuthenticatedStaff, currentPassword: String, newPassword: String, confirmation: String) async throws {
        let member = staff.staff
        let staffID = try member.requireID()
        var problems: [AccountSettings.PasswordField: CustomerAreaError] = [:]
        let policyProblems = request.application.passwordPolicy.problems(password: newPassword, confirmation: confirmation, email: member.email)
        if !policyProblems.isEmpty { problems[.newPassword] = .passwordRejected(policyProblems) }
        do {
            try await verifyCurrentPassword(currentPassword, of: member)
        } catch let error as CustomerAreaError {
            problems[.currentPassword] = error
        }
        guard problems.isEmpty else { throw FormProblems(byField: problems) }

        let hash = try await request.application.passwordHasher.hash(newPassword)
        let now = self.now
        let sessionID = try staff.session.requireID()
        let event = AuditEvent(kind: .staffPasswordChanged, occurredAt: now, customerID: nil, staffID: staffID, email: member.email,
                               ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent))
        try await request.db.transactionTakingSQLiteWriteLock { database in
            member.passwordHash = hash
            try await member.update(on: database)
            try await StaffPasswordToken.revokeAll(of: staffID, at: now, on: database)
            try await AuthSession.endAll(ofStaff: staffID, except: sessionID, on: database)
            try await event.create(on: database)
        }
    }
}
