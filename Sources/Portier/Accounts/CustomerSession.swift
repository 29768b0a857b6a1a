import Fluent
import Foundation

/// A logged-in browser: one row per session (DESIGN § 4). The cookie holds a random token; the
/// table holds only its SHA-256, so a database leak does not hand out sessions. Rows are what a
/// future "your sessions" page lists and what "end every session" deletes.
public final class CustomerSession: Model, @unchecked Sendable {
    public static let schema = "sessions"

    /// Idle sessions end after 30 minutes, every session after 12 hours.
    public static let idleTimeout: TimeInterval = 30 * 60
    public static let absoluteTimeout: TimeInterval = 12 * 60 * 60

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Parent(key: "customer_id") public var customer: Customer
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    @OptionalField(key: "ip_address") public var ipAddress: String?
    @OptionalField(key: "user_agent") public var userAgent: String?
    /// How the session was established (`password` today; later `passkey`, `impersonation`, …).
    @Field(key: "authentication_method") public var authenticationMethod: String

    public init() {}

    public init(tokenHash: String, customerID: UUID, now: Date, ipAddress: String?, userAgent: String?, authenticationMethod: String = "password") {
        self.tokenHash = tokenHash
        self.$customer.id = customerID
        self.createdAt = now
        self.lastSeenAt = now
        self.ipAddress = ipAddress
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.authenticationMethod = authenticationMethod
    }

    public func isExpired(at now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= Self.idleTimeout
            || now.timeIntervalSince(createdAt) >= Self.absoluteTimeout
    }
}

extension CustomerSession {
    /// Ends every session of a customer (password reset, password change), optionally keeping one.
    public static func endAll(of customerID: UUID, except keptID: UUID? = nil, on database: any Database) async throws {
        var query = CustomerSession.query(on: database).filter(\.$customer.$id == customerID)
        if let keptID {
            query = query.filter(\.$id != keptID)
        }
        try await query.delete()
    }
}
