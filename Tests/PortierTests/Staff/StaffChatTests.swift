import Fluent
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Staff area: chat page")
struct StaffChatTests {
    @Test("Support staff see waiting chats with their wait time; the name is escaped")
    func waitingList() async throws {
        try await withPortierApp { context in
            let staff = try await Fixtures.staffMember(context.app, role: .support)
            _ = try await ChatFixtures.visitorChat(context, name: "<img src=x onerror=alert(1)>")
            context.clock.advance(by: 3 * 60)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())

            let page = try await browser.get(SitePath.staffChat.path)
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("Väntande chattar"))
            #expect(body.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!body.contains("<img src=x"))
            #expect(body.contains("väntat 3 min"))
            #expect(body.contains("/js/staff-chat.js"))
            #expect(body.contains("href=\"\(SitePath.staffChat.path)\""))
        }
    }

    @Test("Only support staff and admins open the chat page", arguments: StaffRole.allCases)
    func roles(role: StaffRole) async throws {
        try await withPortierApp { context in
            let staff = try await Fixtures.staffMember(context.app, role: role)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())
            let page = try await browser.get(SitePath.staffChat.path)
            #expect(page.status == (role.permits(.support) ? .ok : .notFound))
        }
    }

    @Test("The switch sets availability, which opens the chat; it is audited")
    func availabilitySwitch() async throws {
        try await withPortierApp { context in
            let staff = try await Fixtures.staffMember(context.app, role: .support)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())
            let before = try await browser.get(SitePath.staffChat.path)
            #expect(before.body.string.contains("Du är inte tillgänglig för chatt."))

            let on = try await browser.post(SitePath.staffChatAvailability.path, ["available": "on"])
            #expect(on.status == .seeOther)
            let after = try await browser.get(SitePath.staffChat.path)
            #expect(after.body.string.contains("Du är tillgänglig för chatt."))
            let open = try await ChatFixtures.service(context).availability()
            #expect(open.isOpen)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatAvailabilityOn.rawValue).filter(\.$staffID == staff.id).count() == 1)

            // Without a CSRF token the switch is refused.
            let forged = try await browser.post(SitePath.staffChatAvailability.path, ["available": "off"], includeCSRF: false)
            #expect(forged.status == .forbidden)
            let stillOpen = try await ChatFixtures.service(context).availability()
            #expect(stillOpen.isOpen)
        }
    }

    @Test("Visitors and customers are sent to the staff login")
    func notForOthers() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            let page = try await browser.get(SitePath.staffChat.path)
            #expect(page.status == .seeOther)
            let post = try await browser.post(SitePath.staffChatAvailability.path, ["available": "on"])
            #expect(post.status == .seeOther || post.status == .forbidden)
            #expect(try await StaffChatAvailability.query(on: context.app.db).count() == 0)
        }
    }
}
