import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Staff area: the ticket queue and a ticket's page (reply, internal note, assign, close, reopen)")
struct StaffTicketTests {
    /// A support browser and a customer with a ticket.
    private static func setUp(_ context: TestContext, role: StaffRole = .support) async throws -> (staff: StaffMember, browser: TestBrowser, customer: Customer, ticket: Ticket) {
        let customer = try await Fixtures.customer(context.app)
        let ticket = try await AreaFixtures.ticket(context, for: customer, subject: "Sidan visar fel 500")
        let staff = try await Fixtures.staffMember(context.app, role: role, name: "Anna Andersson")
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(staff, now: context.clock.now())
        return (staff, browser, customer, ticket)
    }

    @Test("The queue counts its five lists, shows the longest waiting first and puts the count in the navigation")
    func queue() async throws {
        try await withPortierApp { context in
            let (staff, browser, customer, oldest) = try await Self.setUp(context)
            let desk = TicketDesk(database: context.app.db, services: context.app.portier, catalogs: context.app.catalogs)
            context.clock.advance(by: 60)
            let newer = try await AreaFixtures.ticket(context, for: customer, subject: "Nyare fråga om DNS")
            context.clock.advance(by: 60)
            let answered = try await AreaFixtures.ticket(context, for: customer, subject: "Besvarad fråga")
            try await desk.addStaffReply(to: String(answered.number), text: "Svar")
            let closed = try await AreaFixtures.ticket(context, for: customer, subject: "Stängd fråga")
            try await desk.close(closed)
            try await desk.assign(newer, to: staff.requireID())

            let counts = try await TicketQueue(database: context.app.db).counts(for: staff.requireID())
            #expect(counts == [.waitingForUs: 2, .waitingForCustomer: 1, .closed: 1, .mine: 1, .unassigned: 2])

            let page = try await browser.get(SitePath.staffTickets.path)
            #expect(page.status == .ok)
            let body = page.body.string
            let oldestAt = try #require(body.range(of: "Sidan visar fel 500"))
            let newerAt = try #require(body.range(of: "Nyare fråga om DNS"))
            #expect(oldestAt.lowerBound < newerAt.lowerBound, "the longest waiting first")
            #expect(!body.contains("Besvarad fråga"))
            #expect(body.contains(#"Ärenden <span class="badge">2</span>"#))
            for label in ["Väntar på oss", "Väntar på kunden", "Stängda", "Mina", "Ej tilldelade"] {
                #expect(body.contains(label), "\(label)")
            }
            #expect(body.contains(SiteURL.staffTicket(.value(oldest.number)).path))

            let waitingForCustomer = try await browser.get(SitePath.staffTicketQueue("vantar-pa-kunden")).body.string
            #expect(waitingForCustomer.contains("Besvarad fråga"))
            #expect(!waitingForCustomer.contains("Sidan visar fel 500"))
            let mine = try await browser.get(SitePath.staffTicketQueue("mina")).body.string
            #expect(mine.contains("Nyare fråga om DNS"))
            #expect(!mine.contains("Sidan visar fel 500"))
            let closedList = try await browser.get(SitePath.staffTicketQueue("stangda")).body.string
            #expect(closedList.contains("Stängd fråga"))
        }
    }

    @Test("A reply goes through the outbox to the customer, names the staff member, and is audited")
    func reply() async throws {
        try await withPortierApp { context in
            let (staff, browser, customer, ticket) = try await Self.setUp(context)
            let page = try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path).body.string
            #expect(page.contains("Hej! Min sida är seg sedan i morse."))
            #expect(page.contains("Karin Kund"))
            #expect(page.contains("kund@example.se"))
            context.clock.advance(by: 300)

            let response = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .reply).path, ["message": "Hej Karin!\nNu är det <fixat>."])

            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == SiteURL.staffTicket(.value(ticket.number)).path + "?notice=replied")
            let reloaded = try #require(try await Ticket.find(ticket.id, on: context.app.db))
            #expect(reloaded.status == .answered)
            let message = try #require(try await TicketMessage.thread(of: ticket.requireID(), on: context.app.db).last)
            #expect(message.author == .staff)
            #expect(message.authorName == "Anna Andersson")
            #expect(message.staffID == staff.id)
            let mails = try await OutboxReader.mails(context.app, to: customer.email)
            #expect(mails.count == 1)
            #expect(mails.first?.textBody.contains("> Nu är det <fixat>.") == true)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "ticket.replied").first())
            #expect(event.staffID == staff.id)
            #expect(event.customerID == customer.id)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "ticket.viewed").count() == 1)

            let after = try await browser.get(try #require(response.headers.first(name: .location))).body.string
            #expect(after.contains("Svaret är skickat till kunden."))
            #expect(after.contains("Nu är det &lt;fixat&gt;."))

            let customerBrowser = try await AreaFixtures.browser(context)
            let customerPage = try await customerBrowser.get(ticket.path).body.string
            #expect(customerPage.contains("Anna Andersson"))
            #expect(customerPage.contains("Nu är det &lt;fixat&gt;."))
        }
    }

    @Test("An internal note is shown to staff only: not on the customer's page, not mailed, the ticket unchanged")
    func internalNote() async throws {
        try await withPortierApp { context in
            let (staff, browser, customer, ticket) = try await Self.setUp(context)
            try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)
            context.clock.advance(by: 300)

            let response = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .note).path, ["note": "Kunden har betalat sent förut – hemlig anteckning"])

            #expect(response.status == .seeOther)
            let note = try #require(try await TicketNote.query(on: context.app.db).first())
            #expect(note.$staff.id == staff.id)
            #expect(note.body == "Kunden har betalat sent förut – hemlig anteckning")
            #expect(try await OutboxReader.mails(context.app).isEmpty)
            let reloaded = try #require(try await Ticket.find(ticket.id, on: context.app.db))
            #expect(reloaded.status == .open)
            #expect(reloaded.lastActivityAt == ticket.lastActivityAt)
            #expect(try await TicketMessage.thread(of: ticket.requireID(), on: context.app.db).count == 1)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "ticket.note_added").filter(\.$staffID == staff.id).count() == 1)

            let staffPage = try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path).body.string
            #expect(staffPage.contains("hemlig anteckning"))
            #expect(staffPage.contains("Intern anteckning"))

            let customerBrowser = try await AreaFixtures.browser(context)
            let customerPage = try await customerBrowser.get(ticket.path).body.string
            #expect(customerPage.contains("Hej! Min sida är seg sedan i morse."))
            #expect(!customerPage.contains("hemlig anteckning"))
            #expect(!(try await customerBrowser.get(SitePath.support.path).body.string).contains("hemlig"))
            _ = customer
        }
    }

    @Test("Empty replies and notes are refused with a message; nothing is stored or mailed")
    func emptyInput() async throws {
        try await withPortierApp { context in
            let (_, browser, _, ticket) = try await Self.setUp(context)
            try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)

            let reply = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .reply).path, ["message": " \n "])
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.body.string.contains("Skriv ett meddelande."))
            let note = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .note).path, ["note": ""])
            #expect(note.status == .unprocessableEntity)
            #expect(note.body.string.contains(#"id="note-error""#))

            #expect(try await TicketMessage.query(on: context.app.db).count() == 1)
            #expect(try await TicketNote.query(on: context.app.db).count() == 0)
            #expect(try await OutboxReader.mails(context.app).isEmpty)
        }
    }

    @Test("Assign to a support member or nobody; an editor or a made-up id is refused")
    func assign() async throws {
        try await withPortierApp { context in
            let (staff, browser, _, ticket) = try await Self.setUp(context)
            let colleague = try await Fixtures.staffMember(context.app, role: .support, email: "bo@portier.example", name: "Bo Berg")
            let editor = try await Fixtures.staffMember(context.app, role: .editor)
            let page = try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path).body.string
            #expect(page.contains("Bo Berg"))
            #expect(!page.contains(editor.name))

            let assigned = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .assign).path, ["staff_id": try colleague.requireID().uuidString])
            #expect(assigned.status == .seeOther)
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.$assignedStaff.id == colleague.id)
            #expect(try await TicketQueue(database: context.app.db).counts(for: colleague.requireID())[.mine] == 1)
            #expect(try await TicketQueue(database: context.app.db).counts(for: staff.requireID())[.mine] == 0)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "ticket.assigned").first())
            #expect(event.details?.contains("bo@portier.example") == true)

            try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)
            for refused in [try editor.requireID().uuidString, UUID().uuidString, "inte-ett-id"] {
                let response = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .assign).path, ["staff_id": refused])
                #expect(response.status == .unprocessableEntity)
                #expect(response.body.string.contains("Välj en medarbetare i listan."))
            }
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.$assignedStaff.id == colleague.id)

            let cleared = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .assign).path, ["staff_id": ""])
            #expect(cleared.status == .seeOther)
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.$assignedStaff.id == nil)
        }
    }

    @Test("Close and reopen, each audited; a reopened ticket waits for us again")
    func closeAndReopen() async throws {
        try await withPortierApp { context in
            let (staff, browser, _, ticket) = try await Self.setUp(context)
            try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)

            #expect(try await browser.post(SiteURL.staffTicket(.value(ticket.number), .close).path, [:]).status == .seeOther)
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.status == .closed)
            let closedPage = try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path).body.string
            #expect(closedPage.contains("Öppna ärendet igen"))

            #expect(try await browser.post(SiteURL.staffTicket(.value(ticket.number), .reopen).path, [:]).status == .seeOther)
            let reopened = try #require(try await Ticket.find(ticket.id, on: context.app.db))
            #expect(reopened.status == .open)
            #expect(reopened.closedAt == nil)
            let kinds = try await AuditEvent.query(on: context.app.db).filter(\.$staffID == staff.id).all().map(\.kind)
            #expect(kinds.contains("ticket.closed"))
            #expect(kinds.contains("ticket.reopened"))
        }
    }

    @Test("Ticket routes: support and admins pass; editors get 404; customers and visitors go to the staff login")
    func access() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            let gets = [SitePath.staffTickets.path, SiteURL.staffTicket(.value(ticket.number)).path]
            let posts = [
                SiteURL.staffTicket(.value(ticket.number), .reply).path, SiteURL.staffTicket(.value(ticket.number), .note).path, SiteURL.staffTicket(.value(ticket.number), .assign).path,
                SiteURL.staffTicket(.value(ticket.number), .close).path, SiteURL.staffTicket(.value(ticket.number), .reopen).path,
            ]
            for role in StaffRole.allCases {
                let staff = try await Fixtures.staffMember(context.app, role: role, email: "\(role.rawValue)-access@portier.example")
                let browser = TestBrowser(app: context.app)
                try await browser.logInAsStaff(staff, now: context.clock.now())
                for path in gets {
                    let status = try await browser.get(path).status
                    #expect(status == (role == .editor ? .notFound : .ok), "\(role) GET \(path)")
                }
                if role == .editor {
                    for path in posts {
                        try await browser.get(SitePath.staffArea.path)
                        let status = try await browser.post(path, ["message": "x", "note": "x", "staff_id": ""]).status
                        #expect(status == .notFound, "editor POST \(path)")
                    }
                }
            }
            #expect(try await TicketMessage.query(on: context.app.db).count() == 1)
            #expect(try await TicketNote.query(on: context.app.db).count() == 0)

            let visitor = TestBrowser(app: context.app)
            let anonymous = try await visitor.get(SiteURL.staffTicket(.value(ticket.number)).path)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers.first(name: .location)?.hasPrefix(SitePath.staffLogin.path) == true)

            let customerBrowser = try await AreaFixtures.browser(context)
            let asCustomer = try await customerBrowser.get(SitePath.staffTickets.path)
            #expect(asCustomer.status == .seeOther)
            #expect(asCustomer.headers.first(name: .location)?.hasPrefix(SitePath.staffLogin.path) == true)

            let admin = try await Fixtures.staffMember(context.app, role: .admin, email: "chef@portier.example")
            let adminBrowser = TestBrowser(app: context.app)
            try await adminBrowser.logInAsStaff(admin, now: context.clock.now())
            #expect(try await adminBrowser.get(SiteURL.staffTicket(.value(9999)).path).status == .notFound)
            #expect(try await adminBrowser.get(SitePath.staffTickets.path + "/abc").status == .notFound)
        }
    }

    @Test("portier tickets reply and the staff page use the same service: both land in one thread")
    func commandAndPage() async throws {
        try await withPortierApp { context in
            let (_, browser, customer, ticket) = try await Self.setUp(context)
            try await TicketsCommand.reply(app: context.app, to: String(ticket.number), text: "Från kommandot")
            try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)
            try await browser.post(SiteURL.staffTicket(.value(ticket.number), .reply).path, ["message": "Från sidan"])

            let thread = try await TicketMessage.thread(of: ticket.requireID(), on: context.app.db)
            #expect(thread.map(\.body) == ["Hej! Min sida är seg sedan i morse.", "Från kommandot", "Från sidan"])
            #expect(thread[1].staffID == nil)
            #expect(thread[2].staffID != nil)
            #expect(try await OutboxReader.mails(context.app, to: customer.email).count == 2)
        }
    }
}
