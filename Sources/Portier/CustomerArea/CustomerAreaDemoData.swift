import Fluent
import Foundation

/// A realistic Swedish set for a demo customer: a hosting plan, two domains, an e-mail package,
/// a paid, an unpaid and an overdue invoice, an open and a closed ticket. Dates are relative to
/// today. Used by the development seed and by `portier demo seed --email E`.
///
/// The content is demo data (Swedish, like a Swedish hosting company's), not interface text.
struct CustomerAreaDemoData {
    static let domain = "exempelbolaget.se"
    static let secondDomain = "exempelbolaget.nu"

    let database: any Database
    let catalogs: Catalogs
    let now: Date

    /// Adds the set to `customer` unless it is already there.
    /// - Returns: `false` when the customer already had it (nothing was changed).
    @discardableResult
    func seed(for customer: Customer) async throws -> Bool {
        let customerID = try customer.requireID()
        let existing = try await Service.query(for: customerID, on: database)
            .filter(\.$kind == .hosting)
            .filter(\.$domain == Self.domain)
            .first()
        guard existing == nil else { return false }

        let today = CalendarDay(containing: now)
        let catalogs = self.catalogs
        let now = self.now
        try await database.transactionTakingSQLiteWriteLock { database in
            // A demo invoice needs an address to print; an address the customer typed is kept.
            if customer.streetAddress == nil {
                customer.streetAddress = "Storgatan 12"
                customer.postalCode = "114 51"
                customer.city = "Stockholm"
                customer.countryCode = Countries.home
                customer.identityNumber = customer.identityNumber ?? "556677-8899"
                customer.phone = customer.phone ?? "08-123 456 78"
                try await customer.update(on: database)
            }

            let hosting = Service(customerID: customerID, kind: .hosting, domain: Self.domain, plan: "Webbhotell Mellan", status: .active,
                                  price: Money(kronor: 1188), billingCycle: .yearly, startedOn: today.adding(days: -342), nextDueOn: today.adding(days: 23))
            let domainSE = Service(customerID: customerID, kind: .domain, domain: Self.domain, plan: "Domän .se", status: .active,
                                   price: Money(kronor: 149), billingCycle: .yearly, startedOn: today.adding(days: -588), nextDueOn: today.adding(days: 142))
            let domainNU = Service(customerID: customerID, kind: .domain, domain: Self.secondDomain, plan: "Domän .nu", status: .active,
                                   price: Money(kronor: 199), billingCycle: .yearly, startedOn: today.adding(days: -338), nextDueOn: today.adding(days: 27))
            let mail = Service(customerID: customerID, kind: .email, domain: Self.domain, plan: "E-post Bas (5 konton)", status: .active,
                               price: Money(kronor: 117), billingCycle: .quarterly, startedOn: today.adding(days: -130), nextDueOn: today.adding(days: 9))
            for service in [hosting, domainSE, domainNU, mail] {
                try await service.create(on: database)
            }

            let issuer = InvoiceIssuer(database: database, catalogs: catalogs)
            let paid = try await issuer.issue(
                to: customer, issuedOn: today.adding(days: -75),
                lines: [
                    InvoiceLineDraft(description: "Webbhotell Mellan, \(Self.domain), 12 månader", unitPrice: Money(kronor: 1188), serviceID: hosting.id),
                    InvoiceLineDraft(description: "Domän \(Self.domain), förnyelse 1 år", unitPrice: Money(kronor: 149), serviceID: domainSE.id),
                ],
                status: .paid, paidAt: today.adding(days: -52).startDate.addingTimeInterval(10 * 3600)
            )
            try await issuer.issue(
                to: customer, issuedOn: today.adding(days: -40),
                lines: [InvoiceLineDraft(description: "E-post Bas (5 konton), \(Self.domain), 3 månader", unitPrice: Money(kronor: 117), serviceID: mail.id)]
            )
            try await issuer.issue(
                to: customer, issuedOn: today.adding(days: -3),
                lines: [
                    InvoiceLineDraft(description: "Domän \(Self.secondDomain), förnyelse 1 år", unitPrice: Money(kronor: 199), serviceID: domainNU.id),
                    InvoiceLineDraft(description: "Extra e-postkonto, \(Self.domain)", quantity: 3, unitPrice: Money(ore: 3333), serviceID: mail.id),
                ]
            )

            var number = max((try await Ticket.query(on: database).max(\.$number) ?? 0) + 1, TicketDesk.firstNumber)
            let hour: TimeInterval = 3600
            try await Self.ticket(
                on: database, customerID: customerID, number: number, department: .support, serviceID: mail.id,
                subject: "E-post till info@\(Self.domain) kommer inte fram", status: .open, closedAt: nil,
                messages: [
                    (.customer, nil, "Hej!\n\nSedan i går kommer inga mail fram till info@\(Self.domain). Den som skickar får inget felmeddelande. Vad kan ha hänt?", now.addingTimeInterval(-50 * hour)),
                    (.staff, "Anna på supporten", "Hej!\n\nTack för att du hör av dig. Vi ser att kontot info@\(Self.domain) har nått sin maxstorlek. Töm gärna papperskorgen i Webmail, eller säg till så utökar vi lagringsutrymmet.", now.addingTimeInterval(-46 * hour)),
                    (.customer, nil, "Tack! Jag har tömt papperskorgen. Kan ni kontrollera att det fungerar nu?", now.addingTimeInterval(-20 * hour)),
                ]
            )
            number += 1
            try await Self.ticket(
                on: database, customerID: customerID, number: number, department: .billing, serviceID: nil,
                subject: "Fråga om faktura \(paid.number)", status: .closed, closedAt: now.addingTimeInterval(-60 * 24 * hour),
                messages: [
                    (.customer, nil, "Hej! Kan ni skicka faktura \(paid.number) med vårt organisationsnummer på?", now.addingTimeInterval(-70 * 24 * hour)),
                    (.staff, "Erik på ekonomi", "Hej! Organisationsnumret står nu på fakturan. Du hittar den under Fakturor i Kundavdelningen.", now.addingTimeInterval(-69 * 24 * hour)),
                ]
            )
        }
        return true
    }

    private static func ticket(
        on database: any Database, customerID: UUID, number: Int, department: Ticket.Department, serviceID: UUID?,
        subject: String, status: Ticket.Status, closedAt: Date?,
        messages: [(TicketMessage.Author, String?, String, Date)]
    ) async throws {
        let first = messages.first?.3 ?? Date()
        let ticket = Ticket(customerID: customerID, number: number, department: department, subject: subject, serviceID: serviceID, now: first)
        ticket.status = status
        ticket.lastActivityAt = closedAt ?? messages.last?.3 ?? first
        ticket.closedAt = closedAt
        try await ticket.create(on: database)
        let ticketID = try ticket.requireID()
        for (index, message) in messages.enumerated() {
            try await TicketMessage(ticketID: ticketID, position: index + 1, author: message.0, authorName: message.1, body: message.2, now: message.3).create(on: database)
        }
    }
}
