import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Staff area: start page, navigation by role, audit of staff actions")
struct StaffHomeTests {
    @Test("The start page shows only the sections the role opens", arguments: StaffRole.allCases)
    func navigationByRole(role: StaffRole) async throws {
        try await withPortierApp { context in
            let staff = try await Fixtures.staffMember(context.app, role: role)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())

            let page = try await browser.get(SitePath.staffArea.path)
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("Hej, \(staff.name)!"))
            for section in StaffSection.allCases where section != .overview {
                #expect(body.contains("href=\"\(section.path.path)\"") == section.isOpen(to: role), "\(role) \(section)")
            }
        }
    }

    @Test("Sections need their role: admins everywhere, others only in their own")
    func sectionRoles() {
        #expect(StaffSection.auditLog.isOpen(to: .admin))
        #expect(!StaffSection.auditLog.isOpen(to: .support))
        #expect(StaffSection.customers.isOpen(to: .support))
        #expect(!StaffSection.customers.isOpen(to: .editor))
        #expect(StaffSection.guides.isOpen(to: .editor))
        #expect(!StaffSection.guides.isOpen(to: .support))
        #expect(StaffRole.allCases.allSatisfy { StaffSection.account.isOpen(to: $0) })
    }

    @Test("An audit event recorded in a staff request names the staff member")
    func auditNamesStaff() async throws {
        try await withPortierApp { context in
            let staff = try await Fixtures.staffMember(context.app, role: .support)
            let session = AuthSession(
                tokenHash: "x", subject: .staff, customerID: nil, staffID: try staff.requireID(),
                strength: .secondFactor, isSecondFactorPending: false, now: context.clock.now(), ipAddress: nil, userAgent: nil
            )
            let request = Request(application: context.app, on: context.app.eventLoopGroup.next())
            request.auth.login(AuthenticatedStaff(staff: staff, session: session))
            try await request.audit(.logout)

            let event = try #require(try await AuditEvent.query(on: context.app.db).first())
            #expect(event.staffID == staff.id)
            #expect(event.customerID == nil)
        }
    }
}
