import Fluent
import Foundation

/// What a staff member may do in `/personal`. An admin may do everything.
public enum StaffRole: String, Codable, Sendable, CaseIterable {
    /// Everything, including staff management.
    case admin
    /// Customers, tickets, "log in as the customer".
    case support
    /// Guides and their feedback.
    case editor

    /// Whether this role may use routes guarded for `required`.
    public func permits(_ required: StaffRole) -> Bool {
        self == .admin || self == required
    }
}

/// An employee of the hosting company. Never a customer: its own table, its own cookie.
public final class StaffMember: Model, @unchecked Sendable {
    public static let schema = "staff_members"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "name") public var name: String
    @Enum(key: "role") public var role: StaffRole
    /// PHC string; nil until the staff member sets a password.
    @OptionalField(key: "password_hash") public var passwordHash: String?
    @Field(key: "is_disabled") public var isDisabled: Bool
    @Field(key: "language") public var language: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, email: String, name: String, role: StaffRole, passwordHash: String?, language: Language = .default) {
        self.id = id
        self.email = Customer.normalizedEmail(email)
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.isDisabled = false
        self.language = language.rawValue
    }
}

extension StaffMember {
    public static func find(email: String, on database: any Database) async throws -> StaffMember? {
        try await StaffMember.query(on: database).filter(\.$email == Customer.normalizedEmail(email)).first()
    }
}
