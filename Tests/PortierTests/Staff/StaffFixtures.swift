import Foundation
import Vapor
@testable import Portier

extension Fixtures {
    static let staffPassword = "personalens långa lösenord 2026"

    /// A staff member of `role` with a password (no second factor enrolled).
    @discardableResult
    static func staffMember(_ app: Application, role: StaffRole, email: String? = nil, name: String? = nil) async throws -> StaffMember {
        let hash = try await app.passwordHasher.hash(staffPassword)
        let staff = StaffMember(email: email ?? "\(role.rawValue)@portier.example", name: name ?? "Sam \(role.rawValue.capitalized)", role: role, passwordHash: hash)
        try await staff.create(on: app.db)
        return staff
    }
}

extension TestBrowser {
    /// Gives this browser a staff session with its second factor done, as the staff login would
    /// (for tests of the staff area's pages; the staff login has tests of its own). Fetches a page
    /// first so that the browser holds a CSRF token for its forms.
    @discardableResult
    func logInAsStaff(_ staff: StaffMember, now: Date) async throws -> AuthSession {
        let token = "staff-" + UUID().uuidString
        let session = AuthSession(
            tokenHash: TokenDigest.sha256Hex(token), subject: .staff, customerID: nil, staffID: try staff.requireID(),
            strength: .secondFactor, isSecondFactorPending: false, now: now, ipAddress: nil, userAgent: nil
        )
        try await session.create(on: app.db)
        setCookie("portier_staff_session", token)
        try await get(SitePath.staffArea.path)
        return session
    }
}
