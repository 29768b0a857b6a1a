import Fluent
import Vapor

/// "Glömt ditt lösenord?": decides one request for a reset link (DESIGN § 1.5–1.6, § 4).
///
/// Limits: one request a minute per address, reserved atomically before any work (so concurrent
/// requests cannot send two mails); five an hour per address and twenty an hour per client
/// address, counted from the audit events. Every instance sees both. Unknown addresses count the
/// same way and do the same database work, so neither reveals anything in neutral mode.
struct ResetRequestService {
    enum Outcome: Equatable {
        case sent
        case unknownEmail
        /// Staff disabled this customer's login: no link is sent.
        case loginDisabled
        case throttled(retryAfter: TimeInterval)
    }

    struct Limit {
        let window: TimeInterval
        let maximum: Int
    }

    static let perAddress = [Limit(window: 60, maximum: 1), Limit(window: 3600, maximum: 5)]
    static let perClient = Limit(window: 3600, maximum: 20)
    /// One request a minute per address, measured from the request before it.
    static let perAddressGate = ThrottlePolicy(freeFailures: 1, window: 60, baseDelay: 60, maxDelay: 60)
    static let countedKinds: [String] = [AuditEvent.Kind.passwordResetRequested, .passwordResetUnknownEmail].map(\.rawValue)

    let request: Request

    func requestLink(for rawEmail: String) async throws -> Outcome {
        let email = Customer.normalizedEmail(rawEmail)
        let now = request.portier.clock.now()

        if let retryAfter = try await retryAfter(email: email, now: now) {
            try await request.audit(.passwordResetThrottled, email: email)
            return .throttled(retryAfter: retryAfter)
        }
        let gate = try await Throttle(database: request.db).reserve("reset:address:" + email, policy: Self.perAddressGate, now: now)
        if case .refused(let retryAfter) = gate {
            try await request.audit(.passwordResetThrottled, email: email)
            return .throttled(retryAfter: retryAfter)
        }

        guard let customer = try await Customer.find(email: email, on: request.db), let customerID = customer.id else {
            try await recordUnknown(email, now: now)
            return .unknownEmail
        }
        if customer.isLoginDisabled {
            try await request.audit(.passwordResetRefusedDisabled, customerID: customerID, email: email)
            return .loginDisabled
        }

        let services = request.portier
        let mails = RecoveryMails(catalogs: request.application.catalogs, configuration: services.configuration)
        let clientIP = request.clientIP
        let userAgent = request.headers.first(name: .userAgent)
        let hasTwoStep = try await request.twoStep.isEnabled(for: .customer(customerID), on: request.db)
        try await request.db.transactionTakingSQLiteWriteLock { database in
            let issuer = ResetLinkIssuer(services: services)
            let token = try await issuer.issue(for: customerID, purpose: .reset, on: database)
            let mail = try mails.resetLink(to: customer, link: issuer.link(for: token), validFor: services.configuration.resetTokenLifetime, hasTwoStep: hasTwoStep)
            try await Outbox.enqueue(mail, on: database, now: now)
            try await AuditEvent(kind: .passwordResetRequested, occurredAt: now, customerID: customerID, email: email, ipAddress: clientIP, userAgent: userAgent).create(on: database)
        }
        return .sent
    }

    /// The unknown address's audit event, written with the same statements a known address's
    /// request runs (a revocation that matches no row, then the event) in one transaction.
    private func recordUnknown(_ email: String, now: Date) async throws {
        let event = AuditEvent(kind: .passwordResetUnknownEmail, occurredAt: now, customerID: nil, email: email, ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent))
        try await request.db.transactionTakingSQLiteWriteLock { database in
            try await PasswordResetToken.revokeAll(of: UUID(), at: now, on: database)
            try await event.create(on: database)
        }
    }

    /// How long until another request is allowed, or `nil` when it is allowed now.
    private func retryAfter(email: String, now: Date) async throws -> TimeInterval? {
        var waits: [TimeInterval] = []
        for limit in Self.perAddress {
            let recent = try await recentRequests(since: now.addingTimeInterval(-limit.window))
                .filter(\.$email == email)
                .sort(\.$occurredAt, .descending)
                .limit(limit.maximum)
                .all()
            if recent.count >= limit.maximum, let oldest = recent.last {
                waits.append(oldest.occurredAt.addingTimeInterval(limit.window).timeIntervalSince(now))
            }
        }
        if let clientIP = request.clientIP {
            let limit = Self.perClient
            let count = try await recentRequests(since: now.addingTimeInterval(-limit.window))
                .filter(\.$ipAddress == clientIP)
                .count()
            if count >= limit.maximum { waits.append(limit.window / 4) }
        }
        return waits.max().map { max($0, 1) }
    }

    private func recentRequests(since start: Date) -> QueryBuilder<AuditEvent> {
        AuditEvent.query(on: request.db)
            .filter(\.$kind ~~ Self.countedKinds)
            .filter(\.$occurredAt > start)
    }
}
