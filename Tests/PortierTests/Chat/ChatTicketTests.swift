import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Portier

/// A message left in the chat (or a chat turned into a ticket by the staff) is a real ticket in
/// the staff queue: a customer's own, or a visitor's answered by mail. One transaction, one ticket.
@Suite("Chat: left messages become tickets")
struct ChatTicketTests {
    @Test("A visitor's left message is a ticket in the staff queue: 'Besökare: namn <e-post>', the whole chat as its first message, replies mailed")
    func visitorTicketInQueue() async throws {
        try await withPortierApp { context in
            let service = ChatFixtures.service(context)
            let (chat, _) = try await ChatFixtures.visitorChat(context, name: "Vera <Besökare>", email: "vera@example.org")
            _ = try await service.post("Min webbplats är nere", in: chat, by: .client)
            _ = try await service.post("Sedan i morse <b>klockan sju</b>", in: chat, by: .client)

            // Closed (nobody available): the visitor may leave it at once.
            let outcome = try await service.leaveAsTicket(chat, by: .client)
            guard case .ticket(let ticket, let note) = outcome else { Issue.record("no ticket: \(outcome)"); return }
            let stored = try #require(try await Ticket.find(ticket.id, on: context.app.db))
            #expect(stored.$customer.id == nil && stored.isVisitor)
            #expect(stored.contactName == "Vera <Besökare>" && stored.contactEmail == "vera@example.org" && stored.contactLanguage == "sv")
            #expect(stored.status == .open && stored.department == .support)
            #expect(note.body == "Meddelandet sparades som ärende \(ticket.number). Vi svarar via e-post till vera@example.org.")
            let thread = try await TicketMessage.thread(of: try ticket.requireID(), on: context.app.db)
            #expect(thread.count == 1)
            #expect(thread.first?.body.contains("Vera <Besökare>: Min webbplats är nere") == true)
            #expect(thread.first?.body.contains("Vera <Besökare>: Sedan i morse <b>klockan sju</b>") == true)

            // Staff see it in the queue and on its page, escaped.
            let staff = try await Fixtures.staffMember(context.app, role: .support, name: "Anna Andersson")
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(staff, now: context.clock.now())
            let queue = try await browser.get(SitePath.staffTickets.path).body.string
            #expect(queue.contains(SiteURL.staffTicket(.value(ticket.number)).path))
            #expect(queue.contains("Besökare</span> Vera &lt;Besökare&gt;"))
            #expect(queue.contains("vera@example.org"))
            let page = try await browser.get(SiteURL.staffTicket(.value(ticket.number)).path)
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains(#"Besökare: Vera &lt;Besökare&gt; &lt;<a href="mailto:vera@example.org">vera@example.org</a>&gt;"#))
            #expect(body.contains("Sedan i morse &lt;b&gt;klockan sju&lt;/b&gt;"))
            #expect(!body.contains("<b>klockan sju</b>"))
            #expect(body.contains("Svaret skickas med e-post till besökaren, vera@example.org."))

            // A staff reply is mailed to the visitor (no Kundavdelning link) and the ticket is answered.
            let reply = try await browser.post(SiteURL.staffTicket(.value(ticket.number), .reply).path, ["message": "Hej Vera! Nu fungerar sidan igen."])
            #expect(reply.status == .seeOther)
            let mails = try await OutboxReader.mails(context.app, to: "vera@example.org")
            #expect(mails.count == 2, "the receipt and the reply")
            #expect(mails.first?.subject == "Vi har tagit emot ditt meddelande (ärende \(ticket.number))")
            let answer = try #require(mails.last)
            #expect(answer.subject.hasPrefix("Nytt svar i ärende \(ticket.number)"))
            #expect(answer.textBody.contains("Hej Vera! Nu fungerar sidan igen."))
            #expect(!answer.textBody.contains("/kundavdelning"))
            let answered = try await Ticket.find(ticket.id, on: context.app.db)
            #expect(answered?.status == .answered)
        }
    }

    @Test("A logged-in customer's left message is a normal ticket of theirs, on their Support page")
    func customerTicket() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = ChatFixtures.service(context)
            guard case .started(let chat, _, _) = try await service.start(.customer(customer), language: .swedish) else { Issue.record("not started"); return }
            _ = try await service.post("Fakturan är fel", in: chat, by: .client)
            let outcome = try await service.leaveAsTicket(chat, by: .client)
            guard case .ticket(let ticket, _) = outcome else { Issue.record("no ticket: \(outcome)"); return }
            #expect(ticket.$customer.id == customer.id && ticket.contactEmail == nil)
            #expect(try await OutboxReader.mails(context.app, to: customer.email).isEmpty, "no receipt: the ticket is in Kundavdelningen")
            let browser = try await AreaFixtures.browser(context)
            let support = try await browser.get("/kundavdelning/support").body.string
            #expect(support.contains(ticket.subject))
        }
    }

    @Test("At once: six staff requests turn one chat into a ticket — one ticket, one note, one audit event")
    func concurrentConversion() async throws {
        try await withPortierApp { context in
            let service = ChatFixtures.service(context)
            let staff = try await ChatFixtures.availableSupport(context)
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            _ = try await service.post("Hjälp med DNS", in: chat, by: .client)
            _ = try await service.accept(chat, by: staff)
            let chatID = try chat.requireID()
            let database = context.app.db
            let writer = try ChatFixtures.writer(staff)

            let made = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let copy = try #require(try await Chat.find(chatID, on: database))
                        if case .ticket = try await service.leaveAsTicket(copy, by: writer) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(made == 1)
            #expect(try await Ticket.query(on: database).count() == 1)
            #expect(try await TicketMessage.query(on: database).count() == 1)
            let notes = try await ChatMessage.query(on: database).filter(\.$chat.$id == chatID).filter(\.$author == .system).all()
            #expect(notes.filter { $0.body.hasPrefix("Meddelandet sparades som ärende") }.count == 1)
            #expect(try await AuditEvent.query(on: database).filter(\.$kind == AuditEvent.Kind.chatLeftAsTicket.rawValue).count() == 1)
            #expect(try await OutboxReader.mails(context.app, to: "vera@example.org").count == 1, "one receipt")
            let ticketID = try #require(try await Ticket.query(on: database).first()?.id)
            #expect(try await Chat.find(chatID, on: database)?.$ticket.id == ticketID)
        }
    }

    @Test("When the ticket cannot be made (the customer's ticket limit), nothing changes: the chat still waits")
    func failureChangesNothing() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            for index in 0..<TicketDesk.ticketsPerHour {
                _ = try await AreaFixtures.ticket(context, for: customer, subject: "Ärende \(index)")
            }
            let service = ChatFixtures.service(context)
            guard case .started(let chat, _, _) = try await service.start(.customer(customer), language: .swedish) else { Issue.record("not started"); return }
            _ = try await service.post("En fråga till", in: chat, by: .client)
            await #expect(throws: CustomerAreaError.self) { try await service.leaveAsTicket(chat, by: .client) }
            let stored = try #require(try await Chat.find(chat.id, on: context.app.db))
            #expect(stored.status == .waiting && stored.$ticket.id == nil)
            #expect(try await Ticket.query(on: context.app.db).count() == TicketDesk.ticketsPerHour)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.chatLeftAsTicket.rawValue).count() == 0)
        }
    }

    @Test("The migration keeps every ticket and its messages both ways; reverting removes visitors' tickets")
    func migrationRevertsAndApplies() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer, subject: "Kundens ärende")
            let service = ChatFixtures.service(context)
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            _ = try await service.post("Besökarens fråga", in: chat, by: .client)
            guard case .ticket = try await service.leaveAsTicket(chat, by: .client) else { Issue.record("no ticket"); return }
            #expect(try await Ticket.query(on: context.app.db).count() == 2)

            try await UpdateTicketAddVisitorContact().revert(on: context.app.db)
            let sql = try #require(context.app.db as? any SQLDatabase)
            let remaining = try await sql.raw("SELECT number FROM tickets").all().map { try $0.decode(column: "number", as: Int.self) }
            #expect(remaining == [ticket.number])
            #expect(try await sql.raw("SELECT id FROM ticket_messages").all().count == 1, "the customer's message kept")
            await #expect(throws: (any Error).self) {
                try await sql.raw("INSERT INTO tickets (id, number, department, subject, status, created_at, last_activity_at) VALUES (\(bind: UUID()), 5000, 'support', 'x', 'open', \(bind: Date()), \(bind: Date()))").run()
            }

            try await UpdateTicketAddVisitorContact().prepare(on: context.app.db)
            let thread = try await TicketMessage.thread(of: try ticket.requireID(), on: context.app.db)
            #expect(thread.count == 1)
            let (again, _) = try await ChatFixtures.visitorChat(context, email: "ny@example.org")
            _ = try await service.post("Igen", in: again, by: .client)
            guard case .ticket = try await service.leaveAsTicket(again, by: .client) else { Issue.record("no ticket after re-applying"); return }
            #expect(try await Ticket.query(on: context.app.db).count() == 2)
        }
    }
}
