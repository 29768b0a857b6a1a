import Vapor

/// The sections of `/personal`, in navigation order, each with the role it needs
/// (nil: every staff member). The route groups in `routes.swift` use the same roles.
enum StaffSection: String, CaseIterable, Sendable {
    case overview
    case customers
    case tickets
    case chat
    case guides
    case feedback
    case auditLog
    case staffMembers
    case account

    /// The role a staff member needs for this section; nil when every staff member may open it.
    var requiredRole: StaffRole? {
        switch self {
        case .overview, .account: nil
        case .customers, .tickets, .chat: .support
        case .guides, .feedback: .editor
        case .auditLog, .staffMembers: .admin
        }
    }

    var path: SitePath {
        switch self {
        case .overview: .staffArea
        case .customers: .staffCustomers
        case .tickets: .staffTickets
        case .chat: .staffChat
        case .guides: .staffGuides
        case .feedback: .staffFeedback
        case .auditLog: .staffAuditLog
        case .staffMembers: .staffMembers
        case .account: .staffAccount
        }
    }

    /// The catalog key of the section's name (navigation and page titles).
    var titleKey: String { "staff.section." + rawValue }

    /// Whether a staff member of `role` may open this section.
    func isOpen(to role: StaffRole) -> Bool {
        requiredRole.map(role.permits) ?? true
    }
}
