import Fluent
import Foundation
import SQLKit
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

    @Test("No match says so; the middle of a word is no match (word-prefix search)")
    func noMatch() async throws {
        try await withPortierApp { context in
            let (browser, _, _) = try await setUp(context)
            let body = try await results(browser, "zzz")
            #expect(body.contains("Ingen kund matchar ”zzz”."))
            #expect(try await results(browser, "arin").contains("Ingen kund matchar"))
            #expect(try await results(browser, "99999999").contains("Ingen kund matchar"))
        }
    }

    @Test("Names are folded: lower case, accents off except å ä ö, punctuation breaks words")
    func folding() {
        #expect(CustomerNameWords.key("  Anna-Karin   ÖHMÁN ") == "anna karin öhman")
        #expect(CustomerNameWords.key("José Müller & Söner AB") == "jose muller söner ab")
        #expect(CustomerNameWords.key("A\u{30A}sa Ga\u{308}rd") == "åsa gärd")
        #expect(CustomerNameWords.key("O'Brien, Åke") == "o brien åke")
        #expect(CustomerNameWords.key("-.-") == "")
        #expect(CustomerNameWords.words(of: "Karin Kund AB") == ["karin kund ab", "kund ab", "ab"])
        #expect(CustomerNameWords.words(of: (1...12).map { "w\($0)" }.joined(separator: " ")).count == CustomerNameWords.maximumWords)
    }

    @Test("Any word's beginning finds the customer, case- and accent-insensitively; å ä ö stay letters")
    func anyWord() async throws {
        try await withPortierApp { context in
            let (browser, karin, _) = try await setUp(context)
            let jose = try await Fixtures.customer(context.app, email: "jm@example.se", name: "José Müller", password: nil)
            let asa = try await Fixtures.customer(context.app, email: "ao@example.se", name: "Åsa Öberg", password: nil)
            let annaKarin = try await Fixtures.customer(context.app, email: "ak@example.se", name: "Anna-Karin Lind", password: nil)
            func link(_ customer: Customer) -> String { "href=\"\(SiteURL.staffCustomer(.value(customer.id!)).path)\"" }
            let expectations: [(String, [Customer], [Customer])] = [
                ("kund", [karin], [jose, asa, annaKarin]),
                ("KUND", [karin], [jose]),
                ("kar", [karin, annaKarin], [jose, asa]),
                ("karin ku", [karin], [annaKarin]),
                ("karin li", [annaKarin], [karin]),
                ("anna-kar", [annaKarin], [karin]),
                ("jose", [jose], [karin]),
                ("MULLER", [jose], [karin]),
                ("müll", [jose], [karin]),
                ("öberg", [asa], [jose]),
                ("asa", [], [asa]),
                ("oberg", [], [asa]),
                ("lind", [annaKarin], [karin]),
            ]
            for (query, found, notFound) in expectations {
                let body = try await results(browser, query)
                for customer in found { #expect(body.contains(link(customer)), "\(query) finds \(customer.name)") }
                for customer in notFound { #expect(!body.contains(link(customer)), "\(query) does not find \(customer.name)") }
            }
            #expect(try await results(browser, "kund").contains("Karin Kund"))
        }
    }

    @Test("A customer whose name matches at several words is listed once, also across pages")
    func onceAcrossWords() async throws {
        try await withPortierApp { context in
            var created: [UUID] = []
            for index in 1...5 {
                let customer = try await Fixtures.customer(context.app, email: "anna\(index)@example.se", name: "Anna Andersson Anka \(index)", password: nil)
                created.append(try customer.requireID())
            }
            let search = CustomerSearch(database: context.app.db)
            var seen: [UUID] = []
            var cursor: CustomerSearch.Cursor?
            var pages = 0
            repeat {
                let page = try await search.search("an", after: cursor, pageSize: 2)
                #expect(page.matches.allSatisfy { $0.field == .name && $0.key.hasPrefix("andersson anka ") })
                seen += page.matches.map(\.customerID)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen.count == 5)
            #expect(Set(seen) == Set(created))
            #expect(pages == 3)
            // Listed under the word that matched: "anka 3" for "ank".
            let anka = try await search.search("ank")
            #expect(anka.matches.count == 5)
            #expect(anka.matches.allSatisfy { $0.key.hasPrefix("anka ") })
        }
    }

    @Test("The name's words follow every change: staff edit, the customer's own edit, the command")
    func keptInStep() async throws {
        try await withPortierApp { context in
            let (browser, karin, _) = try await setUp(context)
            let id = try karin.requireID()
            let search = CustomerSearch(database: context.app.db)
            func names(_ query: String) async throws -> [UUID] { try await search.search(query).matches.filter { $0.field == .name }.map(\.customerID) }

            // Staff edit.
            try await browser.get(SiteURL.staffCustomer(.value(id)).path)
            let saved = try await browser.post(SiteURL.staffCustomer(.value(id), .contactDetails).path, [
                "name": "Karin Berg-Ström", "identity_number": "", "street_address": "Storgatan 1", "postal_code": "123 45",
                "city": "Sundsvall", "country": "SE", "phone": "",
            ])
            #expect(saved.status == .seeOther)
            #expect(try await names("kund").isEmpty)
            #expect(try await names("ström") == [id])
            #expect(try await names("berg str") == [id])

            // The customer's own edit (Kontaktuppgifter).
            let customerBrowser = try await AreaFixtures.browser(context, email: "karin.kund@example.se")
            try await customerBrowser.get(SitePath.contactDetails.path)
            let own = try await customerBrowser.post(SitePath.contactDetails.path, [
                "name": "Karin Nyström", "identity_number": "", "street_address": "Storgatan 1", "postal_code": "123 45",
                "city": "Sundsvall", "country": "SE", "phone": "",
            ])
            #expect(own.status == .seeOther)
            #expect(try await names("ström").isEmpty)
            #expect(try await names("nyst") == [id])
            let rows = try await (context.app.db as! any SQLDatabase).raw("SELECT word_key FROM customer_name_words WHERE customer_id = \(bind: id)").all()
            #expect(Set(try rows.map { try $0.decode(column: "word_key", as: String.self) }) == ["karin nyström", "nyström"])

            // `portier customers create`.
            let console = RecordingConsole()
            var command = CommandContext(console: console, input: CommandInput(arguments: ["portier", "create", "--email", "ny@example.se", "--name", "Nina Ny-Kund"]))
            command.application = context.app
            try await CustomersCommand().run(using: &command)
            let nina = try #require(try await Customer.find(email: "ny@example.se", on: context.app.db))
            #expect(try await names("kund") == [try nina.requireID()])
        }
    }

    @Test("The migration fills the words of customers that existed before it")
    func migrationFillsExisting() async throws {
        try await withPortierApp { context in
            let (_, karin, _) = try await setUp(context)
            let migration = CreateCustomerNameWords()
            try await migration.revert(on: context.app.db)
            try await migration.prepare(on: context.app.db)
            let found = try await CustomerSearch(database: context.app.db).search("kund")
            #expect(found.matches.map(\.customerID) == [karin.id])
            #expect(found.matches.first?.field == .name)
            let olle = try await CustomerSearch(database: context.app.db).search("annan")
            #expect(olle.matches.count == 1)
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
