import Fluent
import Vapor

/// Creating, disabling and enabling staff members, their set-password links and resetting their
/// second factor — one service for `portier staff` and the admins' Medarbetare page. Every change
/// writes its audit event (who did it: `actor`) in the transaction that makes it.
struct StaffAccounts {
    /// A set-password link lives 24 hours unless the operator says otherwise.
    static let defaultLinkLifetime: TimeInterval = 24 * 60 * 60

    enum CreationProblem: Error, Equatable {
        case invalidEmail
        case missingName
        case emailTaken
    }

    enum ChangeProblem: Error, Equatable {
        case notFound
        /// An admin cannot disable their own account (or reset their own second factor here).
        case ownAccount
    }

    let services: PortierServices
    let catalogs: Catalogs
    let database: any Database

    init(application: Application, database: (any Database)? = nil) {
        services = application.portier
        catalogs = application.catalogs
        self.database = database ?? application.db
    }

    init(request: Request) {
        self.init(application: request.application, database: request.db)
    }

    /// Checks a new member's e-mail address and name; returns them tidied.
    func validate(email rawEmail: String?, name rawName: String?) async throws -> Result<(email: String, name: String), CreationProblem> {
        guard let email = rawEmail.map(Customer.normalizedEmail), !email.isEmpty, email.count <= 254, (try? MailAddress(email: email)) != nil else {
            return .failure(.invalidEmail)
        }
        guard let name = rawName?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty, name.count <= 200,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return .failure(.missingName)
        }
        if try await StaffMember.find(email: email, on: database) != nil {
            return .failure(.emailTaken)
        }
        return .success((email, name))
    }

    /// Creates a member. Without `passwordHash` a set-password link is issued (and mailed when
    /// `mailLink`); the raw token is returned for the link.
    func create(
        email: String, name: String, role: StaffRole, language: Language, passwordHash: String?,
        actor: StaffAuditActor, mailLink: Bool, linkLifetime: TimeInterval = defaultLinkLifetime
    ) async throws -> (member: StaffMember, token: String?) {
        let member = StaffMember(email: email, name: name, role: role, passwordHash: passwordHash, language: language)
        let token: String? = try await database.transactionTakingSQLiteWriteLock { database in
            try await member.create(on: database)
            try await actor.event(.staffCreated, about: member, details: "role \(role.rawValue)").create(on: database)
            guard passwordHash == nil else { return nil }
            return try await issueLink(for: member, actor: actor, mail: mailLink, lifetime: linkLifetime, on: database)
        }
        return (member, token)
    }

    /// A new single-use set-password link for `member` (earlier ones are revoked).
    func issueLink(for member: StaffMember, actor: StaffAuditActor, mail: Bool, lifetime: TimeInterval = defaultLinkLifetime, on database: any Database) async throws -> String {
        let memberID = try member.requireID()
        let now = services.clock.now()
        let token = services.random.makeToken(byteCount: 32)
        try await StaffPasswordToken.revokeAll(of: memberID, at: now, on: database)
        try await StaffPasswordToken(staffID: memberID, tokenHash: TokenDigest.sha256Hex(token), createdAt: now, expiresAt: now.addingTimeInterval(lifetime)).create(on: database)
        try await actor.event(.staffPasswordLinkCreated, about: member, details: mail ? "mailed" : "printed").create(on: database)
        if mail {
            let outgoing = try StaffMails(catalogs: catalogs, configuration: services.configuration)
                .setPassword(to: member, link: link(for: token), validFor: lifetime)
            try await Outbox.enqueue(outgoing, on: database, now: now)
        }
        return token
    }

    /// The absolute set-password link for a token, built from `PORTIER_BASE_URL`.
    func link(for token: String) -> String {
        var base = services.configuration.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + SiteURL.staffSetPassword(token: .value(token)).path
    }

    /// Disables or enables a member; disabling ends their sessions at once.
    func setDisabled(_ isDisabled: Bool, member: StaffMember, actor: StaffAuditActor) async throws {
        let memberID = try member.requireID()
        if isDisabled, memberID == actor.staffID { throw ChangeProblem.ownAccount }
        guard member.isDisabled != isDisabled else { return }
        member.isDisabled = isDisabled
        try await database.transactionTakingSQLiteWriteLock { database in
            try await member.update(on: database)
            if isDisabled {
                // Their own sessions, and the customer sessions they started as the customer.
                for customerID in try await AuthSession.endAll(ofStaff: memberID, on: database) {
                    try await actor.impersonationEnded(customerID: customerID, startedBy: memberID, details: "staff disabled").create(on: database)
                }
                try await StaffPasswordToken.revokeAll(of: memberID, at: services.clock.now(), on: database)
            }
            try await actor.event(isDisabled ? .staffDisabled : .staffEnabled, about: member).create(on: database)
        }
    }

    /// Removes a member's authenticator, backup codes and passkeys and ends their sessions: they enrol
    /// again at their next login.
    func resetSecondFactor(of member: StaffMember, actor: StaffAuditActor, twoStep: TwoStepService) async throws {
        let memberID = try member.requireID()
        if memberID == actor.staffID { throw ChangeProblem.ownAccount }
        try await database.transactionTakingSQLiteWriteLock { database in
            try await twoStep.disable(for: .staff(memberID), on: database)
            // A lost phone may hold a passkey too: the member starts again from the password.
            try await PasskeyCredential.query(for: .staff(memberID), on: database).delete()
            for customerID in try await AuthSession.endAll(ofStaff: memberID, on: database) {
                try await actor.impersonationEnded(customerID: customerID, startedBy: memberID, details: "staff second factor reset").create(on: database)
            }
            try await actor.event(.staffSecondFactorReset, about: member).create(on: database)
        }
    }
}

/// Who made a staff change, for its audit event: a staff member in the browser, or the operator
/// at the command line.
struct StaffAuditActor: Sendable {
    let staffID: UUID?
    let ipAddress: String?
    let userAgent: String?
    let now: Date

    static func command(_ name: String, now: Date) -> StaffAuditActor {
        StaffAuditActor(staffID: nil, ipAddress: nil, userAgent: "portier staff " + name, now: now)
    }

    static func request(_ request: Request) -> StaffAuditActor {
        StaffAuditActor(
            staffID: request.auth.get(AuthenticatedStaff.self)?.staff.id, ipAddress: request.clientIP,
            userAgent: request.headers.first(name: .userAgent), now: request.portier.clock.now()
        )
    }

    /// A "Logga in som kunden" session of `staffID` ended by this change (`staff_id` names the
    /// member who had started it, as when it ends on "Avsluta").
    func impersonationEnded(customerID: UUID, startedBy staffID: UUID, details: String) -> AuditEvent {
        AuditEvent(kind: .impersonationEnded, occurredAt: now, customerID: customerID, staffID: staffID, email: nil,
                   ipAddress: ipAddress, userAgent: userAgent, details: details)
    }

    /// An event about `member` (named by e-mail; the acting staff member in `staff_id`).
    func event(_ kind: AuditEvent.Kind, about member: StaffMember, details: String? = nil) -> AuditEvent {
        AuditEvent(kind: kind, occurredAt: now, customerID: nil, staffID: staffID, email: member.email, ipAddress: ipAddress, userAgent: userAgent, details: details)
    }
}
