import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Customer area: invoices and the overview")
struct CustomerAreaInvoiceTests {
    private func customerWithAddress(_ context: TestContext) async throws -> Customer {
        let customer = try await Fixtures.customer(context.app)
        customer.apply(ContactDetails(name: "Karin Kund", identityNumber: "556677-8899", streetAddress: "Storgatan 12", postalCode: "114 51", city: "Stockholm", countryCode: "SE", phone: nil))
        try await customer.update(on: context.app.db)
        return customer
    }

    @Test("Invoice numbers form one continuous series from 10001, across customers")
    func numberSeries() async throws {
        try await withPortierApp { context in
            let a = try await Fixtures.customer(context.app)
            let b = try await Fixtures.customer(context.app, email: "annan@example.se", name: "Annan")

            let numbers = [
                try await AreaFixtures.invoice(context, for: a).number,
                try await AreaFixtures.invoice(context, for: b).number,
                try await AreaFixtures.invoice(context, for: a).number,
            ]

            #expect(numbers == [10001, 10002, 10003])
        }
    }

    @Test("The invoice page prints the registered e-mail address, the address, lines, VAT and totals")
    func invoicePage() async throws {
        try await withPortierApp { context in
            let customer = try await customerWithAddress(context)
            let invoice = try await AreaFixtures.invoice(context, for: customer, lines: [
                InvoiceLineDraft(description: "Webbhotell Mellan, 12 månader", unitPrice: Money(kronor: 1188)),
                InvoiceLineDraft(description: "Extra e-postkonto", quantity: 3, unitPrice: Money(ore: 3333)),
            ])
            let browser = try await AreaFixtures.browser(context)

            let response = try await browser.get(invoice.path)

            #expect(response.status == .ok)
            let body = response.body.string
            #expect(body.contains("<title>Faktura 10001 – Portier</title>"))
            #expect(body.contains("<h1 id=\"invoice-heading\">Faktura 10001</h1>"))
            #expect(body.contains("Registrerad e-postadress: <strong>kund@example.se</strong>"))
            #expect(body.contains("Storgatan 12"))
            #expect(body.contains("114 51 Stockholm"))
            #expect(body.contains("556677-8899"))
            #expect(body.contains("Extra e-postkonto"))
            #expect(body.contains("33,33 kr"))
            #expect(body.contains("99,99 kr"))
            // 1 188,00 + 99,99 = 1 287,99; VAT 321,9975 → 322,00; total 1 609,99.
            #expect(body.contains("1\u{00A0}287,99 kr"))
            #expect(body.contains("322,00 kr"))
            #expect(body.contains("1\u{00A0}609,99 kr"))
            #expect(body.contains("Moms 25\u{00A0}%"))
            #expect(body.contains("Att betala"))
            #expect(body.contains("Skriv ut"))
            #expect(body.contains(#"<link rel="stylesheet" href="/css/invoice-print.css" media="print">"#))
            #expect(body.contains(#"<input type="hidden" name="csrf_token""#))
            #expect(invoice.totalOre == 160_999)
            // The print stylesheet is the invoice page's alone.
            #expect(!(try await browser.get("/kundavdelning/fakturor")).body.string.contains("invoice-print.css"))
        }
    }

    @Test("The invoice keeps the buyer's details it was issued with")
    func snapshot() async throws {
        try await withPortierApp { context in
            let customer = try await customerWithAddress(context)
            let invoice = try await AreaFixtures.invoice(context, for: customer)
            customer.streetAddress = "Nya gatan 1"
            try await customer.update(on: context.app.db)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get(invoice.path).body.string

            #expect(body.contains("Storgatan 12"))
            #expect(!body.contains("Nya gatan 1"))
        }
    }

    @Test("Filters: Alla, Obetalda, Betalda, Förfallna; overdue follows the injected clock")
    func filters() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let paid = try await AreaFixtures.invoice(context, for: customer, issuedDaysAgo: 60, dueInDays: -30, status: .paid)
            let dueSoon = try await AreaFixtures.invoice(context, for: customer, issuedDaysAgo: 25, dueInDays: 5)
            let overdue = try await AreaFixtures.invoice(context, for: customer, issuedDaysAgo: 40, dueInDays: -10)
            let cancelled = try await AreaFixtures.invoice(context, for: customer, status: .cancelled)
            let browser = try await AreaFixtures.browser(context)

            let all = try await browser.get("/kundavdelning/fakturor").body.string
            let unpaid = try await browser.get("/kundavdelning/fakturor?status=unpaid").body.string
            let paidOnly = try await browser.get("/kundavdelning/fakturor?status=paid").body.string
            let overdueOnly = try await browser.get("/kundavdelning/fakturor?status=overdue").body.string
            let nonsense = try await browser.get("/kundavdelning/fakturor?status=%3Cscript%3E").body.string

            for label in ["Alla", "Obetalda", "Betalda", "Förfallna"] { #expect(all.contains(">\(label)</a>")) }
            #expect(all.contains(#"<a href="/kundavdelning/fakturor" aria-current="page">Alla</a>"#))
            #expect(unpaid.contains(#"<a href="/kundavdelning/fakturor?status=unpaid" aria-current="page">Obetalda</a>"#))
            for invoice in [paid, dueSoon, overdue, cancelled] { #expect(all.contains(invoice.path)) }
            #expect(all.contains("Makulerad"))
            #expect(unpaid.contains(dueSoon.path) && unpaid.contains(overdue.path))
            #expect(!unpaid.contains(paid.path) && !unpaid.contains(cancelled.path))
            #expect(paidOnly.contains(paid.path) && !paidOnly.contains(dueSoon.path))
            #expect(overdueOnly.contains(overdue.path) && !overdueOnly.contains(dueSoon.path))
            #expect(overdueOnly.contains("Förfallen"))
            #expect(nonsense.contains(dueSoon.path) && !nonsense.contains("<script>"))

            context.clock.advance(by: 6 * 24 * 3600)
            let nextWeek = try await AreaFixtures.browser(context)
            let later = try await nextWeek.get("/kundavdelning/fakturor?status=overdue").body.string
            #expect(later.contains(dueSoon.path))
            let page = try await nextWeek.get(dueSoon.path).body.string
            #expect(page.contains("notice-warning"))
            #expect(page.contains("Förfallen"))
        }
    }

    @Test("Empty filters say so")
    func emptyFilters() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)

            #expect(try await browser.get("/kundavdelning/fakturor").body.string.contains("Du har inga fakturor ännu."))
            #expect(try await browser.get("/kundavdelning/fakturor?status=overdue").body.string.contains("Du har inga förfallna fakturor."))
        }
    }

    @Test("English amounts and dates")
    func english() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let invoice = try await AreaFixtures.invoice(context, for: customer)
            let browser = try await AreaFixtures.browser(context)
            browser.setCookie("portier_lang", "en")

            let body = try await browser.get(invoice.path).body.string

            #expect(body.contains("Invoice 10001"))
            #expect(body.contains("SEK 1,485.00"))
            #expect(body.contains("SEK 1,188.00"))
            #expect(body.contains("VAT 25%"))
            #expect(body.contains("10 Jan 2027"))
        }
    }

    @Test("The overview shows the unpaid total, current services and open tickets, each linking onward")
    func overview() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let service = try await AreaFixtures.service(context, for: customer, domain: "karins-sida.se", dueInDays: 12)
            try await AreaFixtures.service(context, for: customer, domain: "gammal.se", status: .cancelled, dueInDays: nil)
            let unpaid = try await AreaFixtures.invoice(context, for: customer)
            let overdue = try await AreaFixtures.invoice(context, for: customer, issuedDaysAgo: 40, dueInDays: -10, lines: [InvoiceLineDraft(description: "Domän", unitPrice: Money(kronor: 149))])
            try await AreaFixtures.invoice(context, for: customer, status: .paid)
            let ticket = try await AreaFixtures.ticket(context, for: customer)
            let closed = try await AreaFixtures.ticket(context, for: customer, subject: "Gammal fråga")
            closed.status = .closed
            try await closed.update(on: context.app.db)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get("/kundavdelning").body.string

            #expect(body.contains("<h1>Välkommen, Karin Kund!</h1>"))
            #expect(body.contains("Registrerad e-postadress: <strong>kund@example.se</strong>"))
            // 1 485,00 + 186,25
            #expect(body.contains("1\u{00A0}671,25 kr"))
            #expect(body.contains(unpaid.path) && body.contains(overdue.path))
            #expect(body.contains("Minst en faktura har förfallit"))
            #expect(body.contains(service.path))
            #expect(body.contains("2027-01-27"))
            #expect(!body.contains("gammal.se"))
            #expect(body.contains(ticket.path))
            #expect(!body.contains("Gammal fråga"))
            #expect(body.contains("Senaste aktivitet"))
            for link in ["/kundavdelning/tjanster", "/kundavdelning/fakturor", "/kundavdelning/support", "/kundavdelning/kontaktuppgifter", "/kundavdelning/support/nytt"] {
                #expect(body.contains("href=\"\(link)\""), "\(link)")
            }
        }
    }

    @Test("An empty overview tells the customer what to do")
    func emptyOverview() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get("/kundavdelning").body.string

            #expect(body.contains("<h1>Välkommen, Karin Kund!</h1>"))
            #expect(body.contains("Du har inga aktiva tjänster just nu."))
            #expect(body.contains("Du har inga obetalda fakturor."))
            #expect(body.contains("Du har inga öppna ärenden."))
            #expect(body.contains("Nytt ärende"))
            #expect(!body.contains("Att betala totalt"))
        }
    }

    @Test("The navigation has Översikt, Tjänster, Support, Fakturor and Kontaktuppgifter")
    func navigation() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get("/kundavdelning/tjanster").body.string

            for label in ["Översikt", "Tjänster", "Support", "Fakturor", "Kontaktuppgifter"] {
                #expect(body.contains(">\(label)</a>"), "\(label)")
            }
            #expect(body.contains(#"<a href="/kundavdelning/tjanster" aria-current="page">Tjänster</a>"#))
        }
    }

    @Test("A hosting service links to the control panel and webmail when they are configured")
    func serviceLogins() async throws {
        try await withPortierApp({
            $0.controlPanelURL = URL(string: "https://cp.example.se:2222")
            $0.webmailURL = URL(string: "https://webmail.example.se")
        }) { context in
            let customer = try await Fixtures.customer(context.app)
            let hosting = try await AreaFixtures.service(context, for: customer)
            let domain = try await AreaFixtures.service(context, for: customer, kind: .domain, plan: "Domän .se", cycle: .yearly)
            let browser = try await AreaFixtures.browser(context)

            let hostingPage = try await browser.get(hosting.path).body.string
            let domainPage = try await browser.get(domain.path).body.string

            #expect(hostingPage.contains(#"href="https://cp.example.se:2222""#))
            #expect(hostingPage.contains(#"href="https://webmail.example.se""#))
            #expect(hostingPage.contains("99,00 kr"))
            #expect(hostingPage.contains("per månad"))
            #expect(hostingPage.contains("/kundavdelning/support/nytt?tjanst=\(hosting.id!.uuidString.lowercased())"))
            #expect(!domainPage.contains("cp.example.se"))
            #expect(domainPage.contains("per år"))
        }
    }

    @Test("Without configured targets the service page has no login links")
    func serviceWithoutLogins() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let hosting = try await AreaFixtures.service(context, for: customer)
            let browser = try await AreaFixtures.browser(context)

            let body = try await browser.get(hosting.path).body.string

            #expect(!body.contains("Logga in på tjänsten"))
        }
    }
}
