import Fluent
import Vapor

/// Starts and ends sessions for a request: a fresh token at every login (the cookie a visitor had
/// before is never promoted), and logout deletes the row and clears the cookie.
struct SessionManager {
    let request: Request

    /// Creates a customer session and sets its cookie on `response`. With
    /// `isSecondFactorPending` the session reaches only the second-factor page until completed.
    func start(for customer: Customer, strength: SessionStrength = .password, isSecondFactorPending: Bool = false, on response: Response) async throws {
        try await start(.customer, customerID: try customer.requireID(), strength: strength, isSecondFactorPending: isSecondFactorPending, on: response)
    }

    /// "Logga in som kunden": a customer session marked with the staff member who started it
    /// (the staff member's own session stays). It ends after `AuthSession.impersonationLifetime`.
    func startImpersonation(of customer: Customer, by staff: StaffMember, on response: Response) async throws {
        try await start(.customer, customerID: try customer.requireID(), strength: .password, isSecondFactorPending: false,
                        impersonatorStaffID: try staff.requireID(), on: response)
    }

    /// Creates a staff session (own cookie) and sets its cookie on `response`.
    func start(for staff: StaffMember, strength: SessionStrength, isSecondFactorPending: Bool, on response: Response) async throws {
        try await start(.staff, staffID: try staff.requireID(), strength: strength, isSecondFactorPending: isSecondFactorPending, on: response)
    }

    private func start(
        _ kind: SessionSubjectKind, customerID: UUID? = nil, staffID: UUID? = nil,
        strength: SessionStrength, isSecondFactorPending: Bool, impersonatorStaffID: UUID? = nil, on response: Response
    ) async throws {
        try await endCurrent(kind)
        let token = request.portier.random.makeToken()
        let session = AuthSession(
            tokenHash: TokenDigest.sha256Hex(token), subject: kind, customerID: customerID, staffID: staffID,
            strength: strength, isSecondFactorPending: isSecondFactorPending,
            now: request.portier.clock.now(), ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent),
            impersonatorStaffID: impersonatorStaffID
        )
        try await session.create(on: request.db)
        let names = CookieNames(request)
        response.cookies[kind == .customer ? names.session : names.staffSession] = names.makeCookie(value: token)
        request.rotateCSRFToken()
    }

    /// Deletes the `kind` session behind the request's cookie (if any).
    func endCurrent(_ kind: SessionSubjectKind = .customer) async throws {
        let names = CookieNames(request)
        if let token = request.cookie(kind == .customer ? names.session : names.staffSession) {
            try await AuthSession.query(on: request.db)
                .filter(\.$tokenHash == TokenDigest.sha256Hex(token))
                .filter(\.$subjectKind == kind)
                .delete()
        }
        switch kind {
        case .customer: request.auth.logout(AuthenticatedCustomer.self)
        case .staff: request.auth.logout(AuthenticatedStaff.self)
        }
        request.auth.logout(PendingSecondFactor.self)
    }

    func clearCookie(_ kind: SessionSubjectKind = .customer, on response: Response) {
        let names = CookieNames(request)
        response.cookies[kind == .customer ? names.session : names.staffSession] = names.expired
        request.rotateCSRFToken()
    }
}
