import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Personal › Kunder: the search by name, e-mail, customer number, domain and invoice number")
struct StaffCustomerSearchTests {
    /// A support browser with one customer who has a service and an invoice.
    private func setUp(_ context: TestContext) async throws -> (TestBrowser, Customer, Invoice) {
        let customer = try await Fixtures.customer(context.app, email: "karin.kund@example.se", name: "Karin Kund")
        try await Fixtures.customer(context.app, email: "olle@example.se", name: "Olle Annan")
        try await AreaFixtures.service(context, for: customer, domain: "Kundensida.se")
        let invoice = try await AreaFixtures.invoice(context, for: customer)
        let staff = try await Fixtures.staffMember(context.app, role: .support)
        let browser = TestBrowser(app: context.app)
        try await browser.logInAsStaff(staff, now: context.clock.now())
        return (browser, customer, invoice)
    }

    private func results(_ browser: TestBrowser, _ query: String) async throws -> String {
        let page = try await browser.get(SitePath.staffCustomerSearch(query: query))
        #expect(page.status == .ok)
        return page.body.string
    }

    @Test("Customers get numbers from 10001 in order of creation")
    func numbers() async throws {
        try await withPortierApp { context in
            let first = try await Fixtures.customer(context.app, email: "a@example.se", name: "A")
            let second = try await Fixtures.customer(context.app, email: "b@example.se", name: "B")
            #expect(first.number == 10001)
            #expect(second.number == 10002)
            #expect(second.nameKey == "b")
        }
    }

    @Test("Each field finds the customer; another customer is not listed")
    func eachField() async throws {
        try await withPortierApp { context in
            let (browser, customer, invoice) = try await setUp(context)
            let link = SiteURL.staffCustomer(.value(try customer.requireID())).path
            for query in ["karin", "KARIN K", "karin.kund@", "Karin.Kund@Example", String(customer.number!), "#\(customer.number!)", "kundens", String(invoice.number)] {
                let body = try await results(browser, query)
                #expect(body.contains("href=\"\(link)\""), "\(query)")
                #expect(!body.contains("Olle Annan"), "\(query)")
            }
            #expect(try await results(browser, "kundensida").contains("Domän"))
            #expect(try await results(browser, String(invoice.number)).contains("Fakturanummer"))
            #expect(try await results(browser, String(customer.number!)).contains("Kundnummer"))
        }
    }

    @Test("No match says so; the middle of a name is no match (prefix search)")
    func noMatch() async throws {
        try await withPortierApp { context in
            let (browser, _, _) = try await setUp(context)
            let body = try await results(browser, "zzz")
            #expect(body.contains("Ingen kund matchar ”zzz”."))
            #expect(try await results(browser, "arin").contains("Ingen kund matchar"))
            #expect(try await results(browser, "99999999").contains("Ingen kund matchar"))
        }
    }

    @Test("Keyset paging: 45 customers in pages of 20, each listed once, in order")
    func paging() async throws {
        try await withPortierApp { context in
            let (browser, _, _) = try await setUp(context)
            for index in 1...45 {
                try await Fixtures.customer(context.app, email: String(format: "pella%02d@example.se", index), name: String(format: "Pella %02d", index), password: nil)
            }
            var seen: [String] = []
            var path: String? = SitePath.staffCustomerSearch(query: "pella")
            var pages = 0
            while let next = path, pages < 10 {
                let body = try await browser.get(next).body.string
                let names = body.components(separatedBy: "\">Pella ").dropFirst().map { String($0.prefix(2)) }
                #expect(names.count <= CustomerSearch.pageSize)
                seen += names
                path = body.range(of: #"href="(/personal/kunder\?q=pella&amp;efter=[^"]+)""#, options: .regularExpression).map {
                    String(body[$0]).dropFirst(6).dropLast().replacingOccurrences(of: "&amp;", with: "&")
                }
                pages += 1
            }
            #expect(pages == 3)
            #expect(seen == (1...45).map { String(format: "%02d", $0) })
        }
    }

    @Test("The search service pages by key without OFFSET, across name, e-mail and domain matches")
    func serviceMerge() async throws {
        try await withPortierApp { context in
            let anna = try await Fixtures.customer(context.app, email: "anna@example.se", name: "Anna A", password: nil)
            let bertil = try await Fixtures.customer(context.app, email: "annika.b@example.se", name: "Bertil B", password: nil)
            let cecilia = try await Fixtures.customer(context.app, email: "c@example.se", name: "Cecilia C", password: nil)
            try await AreaFixtures.service(context, for: cecilia, domain: "annas-blommor.se")
            try await AreaFixtures.service(context, for: anna, domain: "anna.se")
            let search = CustomerSearch(database: context.app.db)
            let first = try await search.search("ann", pageSize: 2)
            // In key order: "anna a" (Anna's name), "annas-blommor.se" (Cecilia's domain),
            // "annika.b@example.se" (Bertil's address); Anna is not listed again for anna.se.
            #expect(first.matches.map(\.customerID) == [anna.id, cecilia.id])
            #expect(first.matches.map(\.field) == [.name, .domain])
            let cursor = try #require(first.next)
            #expect(CustomerSearch.Cursor(token: cursor.token) == cursor)
            let second = try await search.search("ann", after: cursor, pageSize: 2)
            #expect(second.matches.map(\.customerID) == [bertil.id])
            #expect(second.matches.first?.field == .email)
            #expect(second.next == nil)
            #expect(CustomerSearch.Cursor(token: "not a cursor") == nil)
        }
    }

    @Test("Editors, customers and visitors cannot reach the customers section")
    func roles() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let id = try customer.requireID()
            let editor = try await Fixtures.staffMember(context.app, role: .editor)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(editor, now: context.clock.now())
            let gets = [SitePath.staffCustomers.path, SitePath.staffCustomerSearch(query: "karin"), SitePath.staffNewCustomer.path, SiteURL.staffCustomer(.value(id)).path]
            for path in gets {
                #expect(try await browser.get(path).status == .notFound, "\(path)")
            }
            for action in StaffCustomerAction.allCases {
                try await browser.get(SitePath.staffArea.path)
                #expect(try await browser.post(SiteURL.staffCustomer(.value(id), action).path, ["reason": "test"]).status == .notFound, "\(action)")
            }
            try await browser.get(SitePath.staffArea.path)
            #expect(try await browser.post(SitePath.staffNewCustomer.path, ["email": "x@example.se", "name": "X"]).status == .notFound)

            let customerBrowser = try await AreaFixtures.browser(context)
            let anonymous = TestBrowser(app: context.app)
            for visitor in [customerBrowser, anonymous] {
                for path in gets {
                    let response = try await visitor.get(path)
                    #expect(response.status == .seeOther)
                    #expect(response.headers.first(name: .location)?.hasPrefix(SitePath.staffLogin.path) == true)
                }
            }
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.staffCustomerViewed.rawValue).count() == 0)
            #expect(try await Customer.query(on: context.app.db).count() == 1)

            for role in [StaffRole.support, .admin] {
                let staff = try await Fixtures.staffMember(context.app, role: role, email: "\(role.rawValue)2@portier.example")
                let allowed = TestBrowser(app: context.app)
                try await allowed.logInAsStaff(staff, now: context.clock.now())
                #expect(try await allowed.get(SiteURL.staffCustomer(.value(id)).path).status == .ok)
            }
        }
    }
}
