import Fluent
import Vapor

/// Completes a staff set-password link: checks the link and the password rules, then in one
/// transaction stores the hash, uses up the link, revokes the member's other links, ends their
/// sessions and audits it. No automatic login: the member logs in with the password and the
/// second factor.
struct StaffPasswordService {
    enum Outcome: Equatable {
        case changed
        case invalidLink
        case rejected([PasswordPolicy.Problem])
    }

    let request: Request

    /// The link's row when it can still be used (its member not disabled).
    func usableToken(_ token: String) async throws -> StaffPasswordToken? {
        guard token.utf8.count <= 128, let row = try await StaffPasswordToken.find(token: token, on: request.db),
              row.isUsable(at: request.portier.clock.now()), !row.staff.isDisabled else {
            return nil
        }
        return row
    }

    func setPassword(token: String, password: String, confirmation: String) async throws -> Outcome {
        guard let row = try await usableToken(token) else { return .invalidLink }
        let member = row.staff
        let problems = request.application.passwordPolicy.problems(password: password, confirmation: confirmation, email: member.email)
        guard problems.isEmpty else { return .rejected(problems) }

        let hash = try await request.application.passwordHasher.hash(password)
        let now = request.portier.clock.now()
        let memberID = try member.requireID()
        let tokenID = try row.requireID()
        let event = AuditEvent(kind: .staffPasswordSet, occurredAt: now, customerID: nil, staffID: memberID, email: member.email,
                               ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent))
        let consumed = try await request.db.transactionTakingSQLiteWriteLock { database -> Bool in
            guard try await StaffPasswordToken.claim(tokenID, at: now, on: database) else { return false }
            member.passwordHash = hash
            try await member.update(on: database)
            try await StaffPasswordToken.revokeAll(of: memberID, at: now, on: database)
            for customerID in try await AuthSession.endAll(ofStaff: memberID, on: database) {
                try await AuditEvent(kind: .impersonationEnded, occurredAt: now, customerID: customerID, staffID: memberID, email: nil,
                                     ipAddress: event.ipAddress, userAgent: event.userAgent, details: "staff password set").create(on: database)
            }
            try await event.create(on: database)
            return true
        }
        guard consumed else { return .invalidLink }
        let throttle = Throttle(database: request.db)
        try await throttle.reset(StaffLoginService.keyPrefix + "account:" + member.email)
        try await throttle.reset(prefix: ThrottledPasswordCheck.deviceKeyPrefix(StaffLoginService.keyPrefix, memberID))
        return .changed
    }
}
