import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

/// One account cannot flood the support desk: new tickets and messages per hour are limited,
/// and the page says when the customer can write again.
@Suite("Customer area: writing limits")
struct CustomerAreaWritingLimitTests {
    @Test("The 11th ticket within an hour is refused with when a new one is possible")
    func ticketsPerHour() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            for _ in 0..<TicketDesk.ticketsPerHour {
                try await AreaFixtures.ticket(context, for: customer)
                context.clock.advance(by: 60)
            }
            let browser = try await AreaFixtures.browser(context)
            try await browser.get("/kundavdelning/support/nytt")

            let refused = try await browser.post("/kundavdelning/support/nytt", ["department": "support", "subject": "En till", "message": "Hej igen"])

            #expect(refused.status == .tooManyRequests)
            // The first ticket was opened 10 minutes ago: it leaves the hour in 50 minutes.
            #expect(refused.body.string.contains("Du kan öppna ett nytt om 50 minut(er)."))
            #expect(refused.body.string.contains("Hej igen"))
            #expect(try await Ticket.query(on: context.app.db).count() == TicketDesk.ticketsPerHour)

            context.clock.advance(by: 50 * 60)
            let later = try await AreaFixtures.browser(context)  // the first session has gone idle
            try await later.get("/kundavdelning/support/nytt")
            let accepted = try await later.post("/kundavdelning/support/nytt", ["department": "support", "subject": "En till", "message": "Hej igen"])
            #expect(accepted.status == .seeOther)
        }
    }

    @Test("Messages per hour count across the customer's tickets; the reply page says when")
    func messagesPerHour() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            try await Self.addCustomerMessages(upTo: TicketDesk.customerMessagesPerHour, to: ticket, context)
            let browser = try await AreaFixtures.browser(context)
            try await browser.get(ticket.path)

            let refused = try await browser.post(ticket.path + "/svara", ["message": "Ett till"])

            #expect(refused.status == .tooManyRequests)
            #expect(refused.body.string.contains("Du kan skriva igen om 60 minut(er)."))
            #expect(try await TicketMessage.query(on: context.app.db).count() == TicketDesk.customerMessagesPerHour)
            await #expect(throws: CustomerAreaError.messageLimitReached(minutes: 60)) {
                try await AreaFixtures.ticket(context, for: customer, subject: "Nytt ärende")
            }
        }
    }

    @Test("Staff replies are not limited")
    func staffReplies() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            let desk = TicketDesk(database: context.app.db, services: context.app.portier, catalogs: context.app.catalogs)
            try await Self.addCustomerMessages(upTo: TicketDesk.customerMessagesPerHour, to: ticket, context)

            try await desk.addStaffReply(to: String(ticket.number), text: "Vi tittar på det.")

            #expect(try await TicketMessage.query(on: context.app.db).count() == TicketDesk.customerMessagesPerHour + 1)
        }
    }

    /// PostgreSQL only: on SQLite the write lock that `transactionTakingSQLiteWriteLock` takes first already puts
    /// writers in a row, and many writers waiting for it in parallel test applications can occupy
    /// every thread of the shared SQLite pool while the lock's holder waits for one.
    @Test("Concurrent new tickets cannot overshoot the limit", .enabled(if: TestDatabase.postgresURL != nil))
    func concurrentTickets() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            for number in 0..<(TicketDesk.ticketsPerHour - 3) {
                try await AreaFixtures.ticket(context, for: customer, subject: "Ärende \(number)")
            }

            let outcomes = await withTaskGroup(of: String.self) { group in
                for number in 0..<5 {
                    group.addTask {
                        do {
                            try await AreaFixtures.ticket(context, for: customer, subject: "Samtidigt \(number)")
                            return "opened"
                        } catch CustomerAreaError.ticketLimitReached {
                            return "refused"
                        } catch {
                            return String(describing: error)
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }

            #expect(outcomes.sorted() == ["opened", "opened", "opened", "refused", "refused"])
            #expect(try await Ticket.query(on: context.app.db).count() == TicketDesk.ticketsPerHour)
        }
    }

    /// Messages 2…`count` of the customer in `ticket`, written now, in one statement.
    static func addCustomerMessages(upTo count: Int, to ticket: Ticket, _ context: TestContext) async throws {
        let messages = try (2...count).map { position in
            TicketMessage(ticketID: try ticket.requireID(), position: position, author: .customer, body: "Meddelande \(position)", now: context.clock.now())
        }
        try await messages.create(on: context.app.db)
    }
}
