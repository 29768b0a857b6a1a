import Fluent
import Foundation

/// Whom a session belongs to. Customers and staff members are separate tables and separate
/// cookies; a session names exactly one of them.
public enum SessionSubjectKind: String, Codable, Sendable {
    case customer
    case staff
}

/// How the session's owner proved who they are (DESIGN § 4).
public enum SessionStrength: String, Codable, Sendable, Comparable {
    /// The password alone (accounts without a second factor).
    case password
    /// The password and a second factor (TOTP or a backup code).
    case secondFactor = "second_factor"
    /// A passkey, which counts as two factors.
    case passkey

    private var rank: Int {
        switch self {
        case .password: 0
        case .secondFactor, .passkey: 1
        }
    }

    public static func < (left: SessionStrength, right: SessionStrength) -> Bool { left.rank < right.rank }
}

/// A logged-in browser: one row per session. The cookie holds a random token; the table holds
/// only its SHA-256, so a database leak does not hand out sessions. A session whose owner still
/// has to give a second factor is *pending* until `secondFactorDueAt` and reaches nothing but the
/// second-factor page. Rows are what "Inloggade enheter" lists and "end every session" deletes.
public final class AuthSession: Model, @unchecked Sendable {
    public static let schema = "auth_sessions"

    /// A pending second factor must be given within 5 minutes of the password.
    public static let secondFactorWindow: TimeInterval = 5 * 60
    /// "Logga in som kunden" ends 30 minutes after it started, whatever happens meanwhile.
    public static let impersonationLifetime: TimeInterval = 30 * 60

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Enum(key: "subject_kind") public var subjectKind: SessionSubjectKind
    /// The customer of a customer session (also when a staff member acts as the customer).
    @OptionalParent(key: "customer_id") public var customer: Customer?
    /// The staff member of a staff session.
    @OptionalField(key: "staff_id") public var staffID: UUID?
    /// For a customer session started by a staff member ("Logga in som kunden"): who.
    @OptionalField(key: "impersonator_staff_id") public var impersonatorStaffID: UUID?
    @Enum(key: "strength") public var strength: SessionStrength
    /// Set while the second factor is still to be given; the session is unusable after it.
    @OptionalField(key: "second_factor_due_at") public var secondFactorDueAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @OptionalField(key: "ip_address") public var ipAddress: String?
    @OptionalField(key: "user_agent") public var userAgent: String?

    public init() {}

    public init(
        tokenHash: String, subject: SessionSubjectKind, customerID: UUID? = nil, staffID: UUID? = nil,
        strength: SessionStrength, isSecondFactorPending: Bool = false, now: Date, ipAddress: String?, userAgent: String?,
        impersonatorStaffID: UUID? = nil
    ) {
        self.impersonatorStaffID = impersonatorStaffID
        self.tokenHash = tokenHash
        self.subjectKind = subject
        self.$customer.id = customerID
        self.staffID = staffID
        self.strength = strength
        self.secondFactorDueAt = isSecondFactorPending ? now.addingTimeInterval(Self.secondFactorWindow) : nil
        self.createdAt = now
        self.lastSeenAt = now
        self.ipAddress = ipAddress
        self.userAgent = userAgent.map { String($0.prefix(512)) }
    }

    public var isSecondFactorPending: Bool { secondFactorDueAt != nil }

    /// Idle and absolute timeouts per subject: customers 30 minutes / 12 hours, staff 15 minutes /
    /// 8 hours; a pending second factor 5 minutes.
    public static func timeouts(for subject: SessionSubjectKind) -> (idle: TimeInterval, absolute: TimeInterval) {
        switch subject {
        case .customer: (30 * 60, 12 * 60 * 60)
        case .staff: (15 * 60, 8 * 60 * 60)
        }
    }

    public func isExpired(at now: Date) -> Bool {
        let limits = Self.timeouts(for: subjectKind)
        if let due = secondFactorDueAt, now >= due { return true }
        if impersonatorStaffID != nil, now.timeIntervalSince(createdAt) >= Self.impersonationLifetime { return true }
        return now.timeIntervalSince(lastSeenAt) >= limits.idle
            || now.timeIntervalSince(createdAt) >= limits.absolute
    }
}

extension AuthSession {
    /// Ends every session of a customer (password reset, password change), optionally keeping one.
    public static func endAll(ofCustomer customerID: UUID, except keptID: UUID? = nil, on database: any Database) async throws {
        var query = AuthSession.query(on: database).filter(\.$customer.$id == customerID)
        if let keptID {
            query = query.filter(\.$id != keptID)
        }
        try await query.delete()
    }

    /// Ends every session of a staff member (but `keptID`, the one changing its password), and
    /// the customer sessions they started with "Logga in som kunden". Returns the customers whose
    /// impersonation ended, for the audit log.
    @discardableResult
    public static func endAll(ofStaff staffID: UUID, except keptID: UUID? = nil, on database: any Database) async throws -> [UUID] {
        let impersonated = try await endImpersonations(by: staffID, on: database)
        var query = AuthSession.query(on: database).filter(\.$staffID == staffID)
        if let keptID {
            query = query.filter(\.$id != keptID)
        }
        try await query.delete()
        return impersonated
    }

    /// Ends the customer sessions the staff member started with "Logga in som kunden" (staff
    /// logout, disabling the member). Returns the customers whose impersonation ended.
    public static func endImpersonations(by staffID: UUID, on database: any Database) async throws -> [UUID] {
        let sessions = try await AuthSession.query(on: database).filter(\.$impersonatorStaffID == staffID).all()
        guard !sessions.isEmpty else { return [] }
        try await AuthSession.query(on: database).filter(\.$id ~~ sessions.compactMap(\.id)).delete()
        return sessions.compactMap { $0.$customer.id }
    }
}
