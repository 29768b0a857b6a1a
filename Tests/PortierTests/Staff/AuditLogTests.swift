import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Granskningslogg: every event with staff member, customer, kind, address and time; filters;
/// keyset paging that neither skips nor repeats, also across events with the same timestamp.
@Suite("Staff: the audit log")
struct AuditLogTests {
    @Test("Keyset paging walks every event once, newest first, also when many share a timestamp")
    func paging() async throws {
        try await withPortierApp { context in
            let now = context.clock.now()
            var made: [UUID] = []
            for index in 0..<130 {
                // Groups of 20 share one timestamp.
                let event = AuditEvent(kind: .loginFailed, occurredAt: now.addingTimeInterval(-Double(index / 20) * 60), customerID: nil,
                                       email: "x\(index)@example.se", ipAddress: "192.0.2.1", userAgent: nil)
                try await event.create(on: context.app.db)
                made.append(try event.requireID())
            }
            let query = AuditLogQuery(database: context.app.db)
            var seen: [AuditEvent] = []
            var cursor: UUID?
            var pages = 0
            repeat {
                let page = try await query.page(.init(), after: cursor)
                seen += page.events
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 130)
            #expect(Set(seen.compactMap(\.id)) == Set(made))
            #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.occurredAt >= $1.occurredAt })

            // Events recorded meanwhile do not shift the next page.
            let first = try await query.page(.init(), after: nil)
            try await AuditEvent(kind: .logout, occurredAt: now.addingTimeInterval(1), customerID: nil, email: nil, ipAddress: nil, userAgent: nil).create(on: context.app.db)
            let second = try await query.page(.init(), after: first.nextCursor)
            #expect(Set(first.events.compactMap(\.id)).isDisjoint(with: second.events.compactMap(\.id)))
            #expect(second.events.count == 50)
        }
    }

    @Test("Filters: staff member, customer e-mail, kind and period (days in Stockholm, inclusive)")
    func filters() async throws {
        try await withPortierApp { context in
            let admin = try await Fixtures.staffMember(context.app, role: .admin, name: "Ada Admin")
            let support = try await Fixtures.staffMember(context.app, role: .support, name: "Sam Support")
            let customer = try await Fixtures.customer(context.app)
            let day = try #require(CalendarDay(iso: "2026-03-10"))
            let noon = day.startDate.addingTimeInterval(12 * 3600)
            let events: [AuditEvent] = [
                AuditEvent(kind: .loginSucceeded, occurredAt: noon, customerID: customer.id, email: customer.email, ipAddress: "192.0.2.7", userAgent: nil),
                AuditEvent(kind: .passwordResetRequested, occurredAt: noon.addingTimeInterval(-86400), customerID: customer.id, staffID: support.id, email: customer.email, ipAddress: "192.0.2.8", userAgent: nil),
                AuditEvent(kind: .staffCreated, occurredAt: noon.addingTimeInterval(86400), customerID: nil, staffID: admin.id, email: "ny@portier.example", ipAddress: "192.0.2.9", userAgent: nil),
                AuditEvent(kind: .loginFailed, occurredAt: noon, customerID: nil, email: "okand@example.se", ipAddress: "192.0.2.10", userAgent: nil),
            ]
            for event in events { try await event.create(on: context.app.db) }
            let query = AuditLogQuery(database: context.app.db)
            func kinds(_ filter: AuditLogQuery.Filter) async throws -> [String] {
                try await query.page(filter, after: nil).events.map(\.kind)
            }
            #expect(try await kinds(.init(staffID: support.id)) == ["password_reset.requested"])
            #expect(try await kinds(.init(customerEmail: " KUND@example.se ")) == ["login.succeeded", "password_reset.requested"])
            #expect(try await kinds(.init(customerEmail: "okand@example.se")) == ["login.failed"])
            #expect(try await kinds(.init(kind: "staff.created")) == ["staff.created"])
            #expect(try await kinds(.init(from: day, through: day)).sorted() == ["login.failed", "login.succeeded"])
            #expect(try await kinds(.init(from: day.adding(days: 1))) == ["staff.created"])
            #expect(try await kinds(.init(customerEmail: customer.email, through: day.adding(days: -1))) == ["password_reset.requested"])
        }
    }

    @Test("The page shows who, whom, what, from where and when; bad filters get a clear message")
    func page() async throws {
        try await withPortierApp { context in
            let admin = try await Fixtures.staffMember(context.app, role: .admin, name: "Ada Admin")
            let customer = try await Fixtures.customer(context.app)
            try await AuditEvent(kind: .passwordResetRequested, occurredAt: context.clock.now(), customerID: customer.id, staffID: admin.id,
                                 email: customer.email, ipAddress: "198.51.100.23", userAgent: nil, details: "via <staff>").create(on: context.app.db)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(admin, now: context.clock.now())

            let page = try await browser.get(SitePath.staffAuditLog.path)
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains(#"<th scope="row" data-kind="password_reset.requested">Länk för nytt lösenord begärd</th>"#))
            #expect(!body.contains(">password_reset.requested<"))
            // The kind filter lists labels, with the code as the value.
            #expect(body.contains(#"<option value="staff.login.succeeded">Personal: inloggning</option>"#))
            #expect(body.contains("Ada Admin"))
            #expect(body.contains(customer.email))
            #expect(body.contains("198.51.100.23"))
            #expect(body.contains("via &lt;staff&gt;"))
            #expect(!body.contains("via <staff>"))

            let filtered = try await browser.get(SitePath.staffAuditLog.path + "?typ=staff.created")
            #expect(filtered.body.string.contains("Inga händelser matchar filtren"))

            let bad = try await browser.get(SitePath.staffAuditLog.path + "?fran=igår&typ=inget&personal=x&kund=abc")
            #expect(bad.status == .unprocessableEntity)
            let text = bad.body.string
            #expect(text.contains("”igår” är inget datum"))
            #expect(text.contains("Den typen av händelse finns inte"))
            #expect(text.contains("Den medarbetaren finns inte"))
            #expect(text.contains("Skriv kundens hela e-postadress"))
            // The filters that failed are not used: the event still shows.
            #expect(text.contains(#"data-kind="password_reset.requested">Länk för nytt lösenord begärd<"#))
        }
    }

    @Test("The page's links page through the log with the filters kept")
    func pageLinks() async throws {
        try await withPortierApp { context in
            let admin = try await Fixtures.staffMember(context.app, role: .admin)
            for index in 0..<60 {
                try await AuditEvent(kind: .loginFailed, occurredAt: context.clock.now().addingTimeInterval(-Double(index)), customerID: nil,
                                     email: "k\(index)@example.se", ipAddress: nil, userAgent: nil).create(on: context.app.db)
            }
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(admin, now: context.clock.now())
            let first = try await browser.get(SitePath.staffAuditLog.path + "?typ=login.failed")
            let body = first.body.string
            #expect(body.contains("k0@example.se"))
            #expect(!body.contains("k55@example.se"))
            let range = try #require(body.range(of: #"href="(/personal/granskningslogg\?typ=login.failed&amp;efter=[0-9a-f-]+)" rel="next""#, options: .regularExpression))
            let link = String(body[range]).replacingOccurrences(of: "href=\"", with: "").replacingOccurrences(of: "\" rel=\"next\"", with: "").replacingOccurrences(of: "&amp;", with: "&")
            let second = try await browser.get(link)
            #expect(second.body.string.contains("k55@example.se"))
            #expect(!second.body.string.contains("k0@example.se<"))
            #expect(!second.body.string.contains(#"rel="next""#))
            #expect(second.body.string.contains(#"rel="first""#))
        }
    }

    @Test("Every audit kind has a label in both catalogs, and the page shows it in the reader's language")
    func everyKindLabelled() async throws {
        try await withPortierApp { context in
            let catalogs = context.app.catalogs
            for language in [Language.swedish, .english] {
                for kind in AuditEvent.Kind.allCases {
                    let key = AuditEventLabels.key(for: kind.rawValue, language: language, catalogs: catalogs)
                    #expect(key != nil, "\(kind.rawValue) has no \(language.rawValue) label (add staff.audit.kind.\(kind.rawValue))")
                    let label = AuditEventLabels.label(for: kind.rawValue, language: language, catalogs: catalogs)
                    #expect(!label.isEmpty && label != kind.rawValue, "\(kind.rawValue) in \(language.rawValue)")
                }
            }
            // The catalogs differ: a label is not just the Swedish text in both.
            #expect(AuditEventLabels.label(for: "staff.logout", language: .english, catalogs: catalogs) == "Staff: logout")
            #expect(AuditEventLabels.label(for: "no.such.kind", language: .swedish, catalogs: catalogs) == "no.such.kind")

            let admin = try await Fixtures.staffMember(context.app, role: .admin)
            try await AuditEvent(kind: .ticketNoteAdded, occurredAt: context.clock.now(), customerID: nil, staffID: admin.id, email: nil,
                                 ipAddress: nil, userAgent: nil).create(on: context.app.db)
            let browser = TestBrowser(app: context.app)
            try await browser.logInAsStaff(admin, now: context.clock.now())
            let swedish = try await browser.get(SitePath.staffAuditLog.path).body.string
            #expect(swedish.contains(">Intern anteckning i ärende</th>"))
            #expect(swedish.contains(#"<option value="ticket.note_added">Intern anteckning i ärende</option>"#))
            #expect(!swedish.contains(">ticket.note_added<"))
        }
    }
}
