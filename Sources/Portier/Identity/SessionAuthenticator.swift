import Fluent
import Vapor

/// Resolves the session cookies (the customer's and the staff member's are separate) to
/// server-side session rows, enforces their timeouts on every request, and logs the subject in to
/// `request.auth`: an `AuthenticatedCustomer`, an `AuthenticatedStaff`, or — while a second factor
/// is due — only a `PendingSecondFactor`. An ended session clears its cookie and is remembered in
/// `request.endedSession`, so the login page can say why.
struct SessionAuthenticator: EventLoopMiddleware {
    /// `last_seen_at` is written at most this often, to keep reads from turning into writes.
    static let lastSeenResolution: TimeInterval = 60
    /// From the configuration once, not per request.
    let cookieNames: CookieNames

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var endedCookies: [String] = []
        for (kind, name) in [(SessionSubjectKind.customer, cookieNames.session), (.staff, cookieNames.staffSession)] {
            guard let token = request.cookie(name), !token.isEmpty else { continue }
            if try await !authenticate(request, token: token, kind: kind) {
                endedCookies.append(name)
            }
        }
        let response = try await next.respond(to: request)
        for name in endedCookies where response.cookies[name] == nil {
            response.cookies[name] = cookieNames.expired
        }
        return response
    }

    /// Logs the session behind `token` in; false when there is no such live session.
    private func authenticate(_ request: Request, token: String, kind: SessionSubjectKind) async throws -> Bool {
        let now = request.portier.clock.now()
        let query = AuthSession.query(on: request.db)
            .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
            .filter(\.$subjectKind == kind)
        if kind == .customer {
            // The customer in the same query (a join, not `.with`: Fluent runs an eager load in a
            // task of its own on the global executor, off the request's event loop). A session
            // whose customer is gone finds no row.
            query.join(Customer.self, on: \AuthSession.$customer.$id == \Customer.$id)
        }
        guard let session = try await query.first() else {
            return false
        }
        if kind == .customer {
            session.$customer.value = .some(try session.joined(Customer.self))
        }
        if session.isExpired(at: now) {
            try await session.delete(on: request.db)
            if let staffID = session.impersonatorStaffID, let customerID = session.$customer.id {
                try await request.audit(.impersonationEnded, customerID: customerID, staffID: staffID, details: "expired")
                request.endedSession = .impersonationExpired(customerID: customerID)
            } else {
                request.endedSession = .expired
            }
            return false
        }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.lastSeenResolution {
            session.lastSeenAt = now
            try await session.update(on: request.db)
        }
        if session.isSecondFactorPending {
            request.auth.login(PendingSecondFactor(session: session))
            return true
        }
        switch kind {
        case .customer:
            guard let customer = session.customer else { return false }
            var impersonatorName: String?
            if let staffID = session.impersonatorStaffID {
                // Staff acting as the customer: only while that staff member is still active.
                guard let staff = try await StaffMember.find(staffID, on: request.db), !staff.isDisabled else {
                    try await session.delete(on: request.db)
                    return false
                }
                impersonatorName = staff.name
            } else if customer.isLoginDisabled {
                try await session.delete(on: request.db)
                return false
            }
            request.auth.login(AuthenticatedCustomer(customer: customer, session: session, impersonatorName: impersonatorName))
        case .staff:
            guard let staffID = session.staffID, let staff = try await StaffMember.find(staffID, on: request.db), !staff.isDisabled else {
                try await session.delete(on: request.db)
                return false
            }
            request.auth.login(AuthenticatedStaff(staff: staff, session: session))
        }
        return true
    }
}
