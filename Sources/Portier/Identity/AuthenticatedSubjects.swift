import Vapor

/// A logged-in customer and their session (`request.auth.require(AuthenticatedCustomer.self)`
/// inside routes guarded by `CustomerGuard`).
public struct AuthenticatedCustomer: Authenticatable, Sendable {
    public let customer: Customer
    public let session: AuthSession

    /// The staff member acting as this customer ("Logga in som kunden"), if any.
    public var impersonatorStaffID: UUID? { session.impersonatorStaffID }
    /// That staff member's name, for the banner on every page.
    public var impersonatorName: String? = nil

    public init(customer: Customer, session: AuthSession, impersonatorName: String? = nil) {
        self.customer = customer
        self.session = session
        self.impersonatorName = impersonatorName
    }
}

/// A logged-in staff member and their session (inside routes guarded by `StaffGuard`).
public struct AuthenticatedStaff: Authenticatable, Sendable {
    public let staff: StaffMember
    public let session: AuthSession
}

/// A session whose password step is done but whose second factor is still due: it may reach
/// the second-factor page and nothing else.
public struct PendingSecondFactor: Authenticatable, Sendable {
    public let session: AuthSession
}

/// Why this request's session cookie no longer opened a session.
enum EndedSession: Sendable, Equatable {
    /// The session ran past its idle or absolute timeout (or its second-factor window).
    case expired
    /// A staff member's "Logga in som kunden" session ran out (30 minutes): back to the
    /// customer's page in `/personal`.
    case impersonationExpired(customerID: UUID)
}

extension Request {
    private struct EndedSessionKey: StorageKey { typealias Value = EndedSession }

    /// Set by `SessionAuthenticator` when a cookie named a session that has ended.
    var endedSession: EndedSession? {
        get { storage[EndedSessionKey.self] }
        set { storage[EndedSessionKey.self] = newValue }
    }
}
