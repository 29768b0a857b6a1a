import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Staff area: start page, navigation by role, audit of staff actions")
struct StaffHomeTests {
    @Test("The start page shows the ticket queue's counts to support and admins, not to editors")
    func ticketCounts() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            try await AreaFixtures.ticket(context, for: customer, subject: "Ett")
            try await AreaFixtures.ticket(context, for: customer, subject: "Två")
            let closed = try await AreaFixtures.ticket(context, for: customer, subject: "Tre")
            closed.status = .closed
            try await closed.update(on: context.app.db)
            for role in [StaffRole.support, .admin] {
                let staff = try await Fixtures.staffMember(context.app, role: role)
                let browser = TestBrowser(app: context.app)
                try await browser.logInAsStaff(staff, now: context.clock.now())
                let body = try await browser.get(SitePath.staffArea.path).body.string
                #expect(body.contains(#"<a href="\#(SitePath.staffTicketQueue(TicketQueue.Filter.waitingForUs.rawValue))">Väntar på oss</a> <span class="badge">2</span>"#), "\(role)")
                #expect(body.contains(#"<a href="\#(SitePath.staffTicketQueue(TicketQueue.Filter.closed.rawValue))">Stängda</a> <span class="badge">1</span>"#), "\(role)")
                #expect(body.contains(#"<a href="\#(SitePath.staffTicketQueue(TicketQueue.Filter.unassigned.rawValue))">Ej tilldelade</a> <span class="badge">2</span>"#), "\(role)")
                // The navigation's count beside Ärenden, as on the ticket pages.
                #expect(body.contains(#"Ärenden <span class="badge">2</span>"#), "\(role)")
            }
            let editor = try await Fixtures.staffMember(context.app, role: .editor)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(editor, now: context.clock.now())
            let body = try await browser.get(SitePath.staffArea.path).body.string
            #expect(!body.contains("staff-queue-counts"))
            #expect(!body.contains("Väntar på oss"))
        }
    }

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
