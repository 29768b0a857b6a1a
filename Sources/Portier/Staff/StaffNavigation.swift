import Vapor

/// The staff area's navigation for one staff member: only the sections their role opens, the
/// current one marked, with an optional count beside a section (e.g. tickets waiting for us).
struct StaffNavigation: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        let titleKey: String
        let path: String
        let isCurrent: Bool
        let count: Int?
    }

    let staffName: String
    let roleKey: String
    let items: [Item]

    init(staff: StaffMember, current: StaffSection, counts: [StaffSection: Int] = [:]) {
        self.staffName = staff.name
        self.roleKey = "staff.role." + staff.role.rawValue
        self.items = StaffSection.allCases
            .filter { $0.isOpen(to: staff.role) }
            .map { Item(titleKey: $0.titleKey, path: $0.path.path, isCurrent: $0 == current, count: counts[$0]) }
    }
}

/// A page of `/personal`: the site layout plus the staff navigation (`#extend("Staff/nav")`).
protocol StaffPageContext: PageContext {
    var staffNavigation: StaffNavigation { get }
}

extension Request {
    /// The staff member of this request; only inside routes guarded by `StaffGuard`.
    var staffMember: StaffMember {
        get throws { try auth.require(AuthenticatedStaff.self).staff }
    }

    /// The navigation for this request's staff member with `current` marked.
    func staffNavigation(_ current: StaffSection, counts: [StaffSection: Int] = [:]) throws -> StaffNavigation {
        StaffNavigation(staff: try staffMember, current: current, counts: counts)
    }
}
