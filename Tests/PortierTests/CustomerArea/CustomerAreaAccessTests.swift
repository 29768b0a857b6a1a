import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Customer area: every query is scoped to the logged-in customer")
struct CustomerAreaAccessTests {
    /// Customer A (logged in) and customer B, each with a service, an invoice and a ticket.
    private struct World {
        let a: Customer
        let b: Customer
        let serviceA: Service
        let serviceB: Service
        let invoiceA: Invoice
        let invoiceB: Invoice
        let ticketA: Ticket
        let ticketB: Ticket
        /// Past chats under Support: A's (answered by Sam Support, ended) and B's.
        let chatA: Chat
        let chatB: Chat
    }

    private func makeWorld(_ context: TestContext) async throws -> World {
        let a = try await Fixtures.customer(context.app)
        let b = try await Fixtures.customer(context.app, email: "annan@example.se", name: "Bertil Annan")
        let serviceA = try await AreaFixtures.service(context, for: a, domain: "karins-sida.se")
        let serviceB = try await AreaFixtures.service(context, for: b, domain: "bertils-hemliga.se")
        let invoiceA = try await AreaFixtures.invoice(context, for: a)
        let invoiceB = try await AreaFixtures.invoice(context, for: b, lines: [InvoiceLineDraft(description: "Bertils hemliga rad", unitPrice: Money(kronor: 777))])
        let ticketA = try await AreaFixtures.ticket(context, for: a)
        let ticketB = try await AreaFixtures.ticket(context, for: b, subject: "Bertils hemliga ärende", message: "Bertils hemliga meddelande")
        let chats = ChatFixtures.service(context)
        let staff = try await ChatFixtures.availableSupport(context)
        guard case .started(let chatA, _, _) = try await chats.start(.customer(a), language: .swedish),
              case .started(let chatB, _, _) = try await chats.start(.customer(b), language: .swedish) else {
            throw Abort(.internalServerError, reason: "the chats did not start")
        }
        _ = try await chats.post("Min <script>alert(1)</script> fråga", in: chatA, by: .client)
        _ = try await chats.accept(chatA, by: staff)
        _ = try await chats.post("Svar från supporten", in: chatA, by: try ChatFixtures.writer(staff))
        _ = try await chats.end(chatA, by: .client)
        _ = try await chats.post("Bertils hemliga chattmeddelande", in: chatB, by: .client)
        return World(a: a, b: b, serviceA: serviceA, serviceB: serviceB, invoiceA: invoiceA, invoiceB: invoiceB, ticketA: ticketA, ticketB: ticketB, chatA: chatA, chatB: chatB)
    }

    @Test("Visitors are sent to the login page, which returns to the page afterwards")
    func notLoggedIn() async throws {
        try await withPortierApp { context in
            let world = try await makeWorld(context)
            let browser = TestBrowser(app: context.app)
            let pages = [
                "/kundavdelning", "/kundavdelning/tjanster", world.serviceA.path, "/kundavdelning/fakturor", world.invoiceA.path,
                "/kundavdelning/support", "/kundavdelning/support/nytt", world.ticketA.path, "/kundavdelning/kontaktuppgifter",
                SiteURL.pastChat(.value(try world.chatA.requireID())).path,
            ]

            for path in pages {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers.first(name: .location) == "/logga-in?next=" + path, "\(path)")
            }

            // Form posts (with a valid CSRF token) go to the login page too, returning to the form's page.
            let posts: [(String, String)] = [
                ("/kundavdelning/support/nytt", "/kundavdelning/support/nytt"),
                (world.ticketA.path + "/svara", world.ticketA.path),
                (world.ticketA.path + "/stang", world.ticketA.path),
                ("/kundavdelning/kontaktuppgifter", "/kundavdelning/kontaktuppgifter"),
                ("/kundavdelning/kontaktuppgifter/e-post", "/kundavdelning/kontaktuppgifter"),
                ("/kundavdelning/kontaktuppgifter/losenord", "/kundavdelning/kontaktuppgifter"),
            ]
            for (path, page) in posts {
                try await browser.get("/logga-in")
                let response = try await browser.post(path, ["message": "x", "subject": "x", "department": "support"])
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers.first(name: .location) == "/logga-in?next=" + page, "\(path)")
            }
            #expect(try await TicketMessage.query(on: context.app.db).count() == 2)
        }
    }

    @Test("Another customer's service, invoice and ticket are 404 for every route, GET and POST")
    func otherCustomersIDs() async throws {
        try await withPortierApp { context in
            let world = try await makeWorld(context)
            let browser = try await AreaFixtures.browser(context)
            let messagesBefore = try await TicketMessage.query(on: context.app.db).count()

            for path in [world.serviceB.path, world.invoiceB.path, world.ticketB.path, SiteURL.pastChat(.value(try world.chatB.requireID())).path] {
                let response = try await browser.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.body.string.contains("Bertil"), "\(path)")
                #expect(!response.body.string.contains("hemlig"), "\(path)")
            }

            try await browser.get(world.ticketA.path)
            let reply = try await browser.post(world.ticketB.path + "/svara", ["message": "Jag läser Bertils ärende"])
            try await browser.get(world.ticketA.path)
            let close = try await browser.post(world.ticketB.path + "/stang", [:])
            try await browser.get("/kundavdelning/support/nytt")
            let newTicket = try await browser.post("/kundavdelning/support/nytt", [
                "department": "support", "subject": "Om Bertils tjänst", "message": "Hej",
                "service_id": world.serviceB.id!.uuidString,
            ])

            #expect(reply.status == .notFound)
            #expect(close.status == .notFound)
            #expect(newTicket.status == .notFound)
            #expect(try await TicketMessage.query(on: context.app.db).count() == messagesBefore)
            #expect(try await Ticket.find(world.ticketB.id, on: context.app.db)?.status == .open)
            #expect(try await Ticket.query(on: context.app.db).count() == 2)
        }
    }

    @Test("Made-up and malformed ids are 404")
    func madeUpIDs() async throws {
        try await withPortierApp { context in
            try await makeWorld(context)
            let browser = try await AreaFixtures.browser(context)

            for base in ["/kundavdelning/tjanster/", "/kundavdelning/fakturor/", "/kundavdelning/support/", "/kundavdelning/support/chattar/"] {
                #expect(try await browser.get(base + UUID().uuidString).status == .notFound, "\(base)")
                #expect(try await browser.get(base + "1").status == .notFound, "\(base)")
                #expect(try await browser.get(base + "inte-ett-id").status == .notFound, "\(base)")
                #expect(try await browser.get(base + "..%2F..%2Fetc").status != .ok, "\(base)")
            }
            try await browser.get("/kundavdelning/support")
            #expect(try await browser.post("/kundavdelning/support/\(UUID().uuidString)/svara", ["message": "Hej"]).status == .notFound)
        }
    }

    @Test("The customer's own pages work, and lists show nothing of another customer's")
    func ownDataOnly() async throws {
        try await withPortierApp { context in
            let world = try await makeWorld(context)
            let browser = try await AreaFixtures.browser(context)

            for path in [world.serviceA.path, world.invoiceA.path, world.ticketA.path] {
                #expect(try await browser.get(path).status == .ok, "\(path)")
            }
            for path in ["/kundavdelning", "/kundavdelning/tjanster", "/kundavdelning/fakturor", "/kundavdelning/fakturor?status=unpaid", "/kundavdelning/support", "/kundavdelning/support/nytt"] {
                let response = try await browser.get(path)
                #expect(response.status == .ok, "\(path)")
                #expect(!response.body.string.contains("bertils-hemliga.se"), "\(path)")
                #expect(!response.body.string.contains("Bertils hemliga"), "\(path)")
                #expect(!response.body.string.contains(world.invoiceB.id!.uuidString.lowercased()), "\(path)")
            }
            // Past chats: the list under Support and one chat's transcript, escaped.
            let support = try await browser.get("/kundavdelning/support").body.string
            #expect(support.contains("Tidigare chattar"))
            #expect(support.contains(SiteURL.pastChat(.value(try world.chatA.requireID())).path))
            #expect(!support.contains(SiteURL.pastChat(.value(try world.chatB.requireID())).path))
            #expect(support.contains("Sam Support") && support.contains("Avslutad"))
            let chatPage = try await browser.get(SiteURL.pastChat(.value(try world.chatA.requireID())).path)
            #expect(chatPage.status == .ok)
            let transcript = chatPage.body.string
            #expect(transcript.contains("Min &lt;script&gt;alert(1)&lt;/script&gt; fråga"))
            #expect(!transcript.contains("<script>alert(1)"))
            #expect(transcript.contains("Svar från supporten") && transcript.contains("Sam Support har tagit chatten."))
            #expect(!transcript.contains("Bertils hemliga"))

            let invoices = try await browser.get("/kundavdelning/fakturor")
            #expect(invoices.body.string.contains(world.invoiceA.path))
            #expect(!invoices.body.string.contains("Faktura \(world.invoiceB.number)"))
        }
    }

    @Test("Every form post without the CSRF token is refused")
    func csrf() async throws {
        try await withPortierApp { context in
            let world = try await makeWorld(context)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get(world.ticketA.path)

            let reply = try await browser.post(world.ticketA.path + "/svara", ["message": "Utan token"], includeCSRF: false)
            let details = try await browser.post("/kundavdelning/kontaktuppgifter", ["name": "Mallory"], includeCSRF: false)

            #expect(reply.status == .forbidden)
            #expect(details.status == .forbidden)
            #expect(try await TicketMessage.query(on: context.app.db).filter(\.$body == "Utan token").count() == 0)
            #expect(try await Customer.find(world.a.id, on: context.app.db)?.name == "Karin Kund")
        }
    }
}
