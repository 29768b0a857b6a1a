import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Customer area: support tickets")
struct CustomerAreaTicketTests {
    @Test("The new-ticket form has the departments, the fields and the customer's services")
    func form() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = try await AreaFixtures.service(context, for: customer, domain: "karins-sida.se")
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get("/kundavdelning/support/nytt?tjanst=\(service.id!.uuidString.lowercased())").body.string

            for label in ["Avdelning", "Ämne", "Meddelande", "Berörd tjänst (valfritt)", "Skicka ärendet", ">Support<", ">Ekonomi<", ">Försäljning<"] {
                #expect(body.contains(label), "\(label)")
            }
            #expect(body.contains(#"<option value="\#(service.id!.uuidString.lowercased())" selected>karins-sida.se"#))
            #expect(body.contains(#"<input type="hidden" name="csrf_token""#))
        }
    }

    @Test("Open a ticket, see the thread, reply and close it")
    func lifecycle() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = try await AreaFixtures.service(context, for: customer, domain: "karins-sida.se")
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/support/nytt")

            let created = try await browser.post("/kundavdelning/support/nytt", [
                "department": "support", "subject": "Sidan visar fel 500",
                "message": "Hej!\nSedan i morse visar startsidan <b>fel 500</b>.", "service_id": service.id!.uuidString,
            ])

            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let ticket = try #require(try await Ticket.query(on: context.app.db).first())
            #expect(location == ticket.path + "?notice=ticket-created")
            #expect(ticket.number == 1001)
            #expect(ticket.$service.id == service.id)
            #expect(ticket.status == .open)

            let page = try await browser.get(location).body.string
            #expect(page.contains("<h1>Sidan visar fel 500</h1>"))
            #expect(page.contains("Ditt ärende är skickat."))
            #expect(page.contains("Hej!\nSedan i morse visar startsidan &lt;b&gt;fel 500&lt;/b&gt;."))
            #expect(!page.contains("<b>fel 500</b>"))
            #expect(page.contains("karins-sida.se"))
            #expect(page.contains("Skicka svar"))
            #expect(page.contains("Stäng ärendet"))

            context.clock.advance(by: 120)
            let replied = try await browser.post(ticket.path + "/svara", ["message": "Nu fungerar det igen, tack!"])
            #expect(replied.status == .seeOther)
            #expect(replied.headers.first(name: .location) == ticket.path + "?notice=ticket-replied")
            let thread = try await TicketMessage.thread(of: ticket.id!, on: context.app.db)
            #expect(thread.map(\.position) == [1, 2])
            #expect(thread.last?.body == "Nu fungerar det igen, tack!")
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.lastActivityAt == context.clock.now())

            try await browser.get(ticket.path)
            let closed = try await browser.post(ticket.path + "/stang", [:])
            #expect(closed.status == .seeOther)
            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.status == .closed)
            let closedPage = try await browser.get(ticket.path).body.string
            #expect(closedPage.contains("Stängt"))
            #expect(!closedPage.contains("Stäng ärendet</button>"))
            let list = try await browser.get("/kundavdelning/support").body.string
            #expect(list.contains("Stängda ärenden"))
            #expect(list.contains("Du har inga pågående ärenden."))
        }
    }

    @Test("A bad ticket keeps what was typed and says what is wrong")
    func validation() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/support/nytt")

            let response = try await browser.post("/kundavdelning/support/nytt", [
                "department": "hemlig", "subject": "   ", "message": "Mitt långa meddelande som inte får försvinna",
            ])

            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains("Välj en avdelning i listan."))
            #expect(body.contains("Skriv ett ämne"))
            #expect(body.contains("Mitt långa meddelande som inte får försvinna</textarea>"))
            #expect(body.contains(#"aria-invalid="true""#))
            #expect(try await Ticket.query(on: context.app.db).count() == 0)
        }
    }

    @Test("An empty reply is refused and the thread is unchanged")
    func emptyReply() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get(ticket.path)

            let response = try await browser.post(ticket.path + "/svara", ["message": "  \n "])

            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Skriv ett meddelande."))
            #expect(try await TicketMessage.query(on: context.app.db).count() == 1)
        }
    }

    @Test("A staff reply (portier tickets reply) lands in the thread and e-mails the customer through the outbox")
    func staffReply() async throws {
        try await withPortierApp({ $0.baseURL = URL(string: "https://kund.example.se/")! }) { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer, subject: "Fråga <om> DNS")
            context.clock.advance(by: 600)

            try await TicketsCommand.reply(app: context.app, to: String(ticket.number), text: "Hej Karin!\r\nDNS-ändringen är gjord & klar <nu>.\n", authorName: "Anna på supporten")

            let reloaded = try #require(try await Ticket.find(ticket.id, on: context.app.db))
            #expect(reloaded.status == .answered)
            #expect(reloaded.lastActivityAt == context.clock.now())
            let thread = try await TicketMessage.thread(of: ticket.id!, on: context.app.db)
            #expect(thread.count == 2)
            #expect(thread.last?.author == .staff)
            #expect(thread.last?.authorName == "Anna på supporten")
            #expect(thread.last?.body == "Hej Karin!\nDNS-ändringen är gjord & klar <nu>.")

            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            let mail = try #require(mails.last)
            #expect(mails.count == 1)
            #expect(mail.subject == "Nytt svar i ärende 1001: Fråga <om> DNS")
            #expect(mail.textBody.contains("Hej Karin Kund!"))
            #expect(mail.textBody.contains("> DNS-ändringen är gjord & klar <nu>."))
            #expect(mail.textBody.contains("https://kund.example.se/kundavdelning/support/\(ticket.id!.uuidString.lowercased())"))
            #expect(mail.htmlBody.contains("DNS-ändringen är gjord &amp; klar &lt;nu&gt;."))
            #expect(mail.htmlBody.contains("Fråga &lt;om&gt; DNS"))
            #expect(!mail.htmlBody.contains("<nu>"))
            #expect(mail.htmlBody.contains(#"href="https://kund.example.se/kundavdelning/support/"#))

            let browser = try await AreaFixtures.browser(context)
            let page = try await browser.get(ticket.path).body.string
            #expect(page.contains("Anna på supporten"))
            #expect(page.contains("Besvarat"))
        }
    }

    @Test("The link in the reply mail never comes from the request's Host header")
    func linkFromBaseURL() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)

            try await TicketsCommand.reply(app: context.app, to: ticket.id!.uuidString, text: "Svar")

            let mail = try #require(try await OutboxReader.mails(context.app).last)
            #expect(mail.textBody.contains("http://127.0.0.1:8080/kundavdelning/support/"))
        }
    }

    @Test("A staff reply reopens a closed ticket; unknown tickets and empty replies are refused")
    func staffReplyEdges() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            let desk = TicketDesk(database: context.app.db, services: context.app.portier, catalogs: context.app.catalogs)
            try await desk.close(ticket)

            try await TicketsCommand.reply(app: context.app, to: "#1001", text: "Vi öppnar ärendet igen.")

            #expect(try await Ticket.find(ticket.id, on: context.app.db)?.status == .answered)
            await #expect(throws: TicketsCommandError.unknownTicket("9999")) {
                try await TicketsCommand.reply(app: context.app, to: "9999", text: "Hej")
            }
            await #expect(throws: TicketsCommandError.emptyReply) {
                try await TicketsCommand.reply(app: context.app, to: "1001", text: " \n")
            }
            #expect(try await OutboxReader.mails(context.app).count == 1)
        }
    }

    @Test("The reply is read from a UTF-8 file")
    func readsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reply-\(UUID().uuidString).txt").path
        try "Hej!\nÅtgärdat.".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        #expect(try TicketsCommand.readReply(from: path) == "Hej!\nÅtgärdat.")
        #expect(throws: TicketsCommandError.unreadableFile("/nonexistent/reply.txt")) {
            try TicketsCommand.readReply(from: "/nonexistent/reply.txt")
        }
    }

    @Test("Ticket numbers count up from 1001 across customers")
    func numbers() async throws {
        try await withPortierApp { context in
            let a = try await Fixtures.customer(context.app)
            let b = try await Fixtures.customer(context.app, email: "annan@example.se", name: "Annan")

            let first = try await AreaFixtures.ticket(context, for: a)
            let second = try await AreaFixtures.ticket(context, for: b)

            #expect(first.number == 1001)
            #expect(second.number == 1002)
        }
    }
}
