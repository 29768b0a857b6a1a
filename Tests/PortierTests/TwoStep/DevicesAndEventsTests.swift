import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

@Suite("Säkerhet: logged-in devices, security events, new-device mail")
struct DevicesAndEventsTests {
    static let firefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
    static let safariOnIPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

    @Test("Device labels from user agents", arguments: [
        (firefoxOnWindows, "Firefox på Windows"),
        (safariOnIPhone, "Safari på iPhone"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome på Linux"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge på Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari på macOS"),
        ("curl/8.5.0", "Okänd enhet"),
    ])
    func deviceLabels(userAgent: String, expected: String) throws {
        let catalogs = try Catalogs.load(from: DirectoryConfiguration.detect().resourcesDirectory + "Localization/")
        #expect(DeviceLabel(userAgent: userAgent).text(for: .swedish, catalogs: catalogs) == expected)
    }

    @Test("Inloggade enheter lists every session; ending one logs that browser out at once")
    func endOneSession() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let phone = TestBrowser(app: context.app)
            phone.userAgent = Self.safariOnIPhone
            try await phone.logIn(email: "kund@example.se", password: Fixtures.password)
            let desktop = TestBrowser(app: context.app)
            desktop.userAgent = Self.firefoxOnWindows
            try await desktop.logIn(email: "kund@example.se", password: Fixtures.password)

            let page = try await desktop.get("/kundavdelning/sakerhet").body.string
            #expect(page.contains("Firefox på Windows"))
            #expect(page.contains("Safari på iPhone"))
            #expect(page.contains("Den här enheten"))
            let phoneSession = try #require(try await AuthSession.query(on: context.app.db).filter(\.$userAgent == Self.safariOnIPhone).first())

            let ended = try await desktop.post(SiteURL.endSession(.value(try phoneSession.requireID())).path, [:])
            #expect(ended.headers.first(name: .location)?.hasPrefix("/kundavdelning/sakerhet?notice=session-ended") == true)
            let after = try await phone.get("/kundavdelning")
            #expect(after.headers.first(name: .location)?.hasPrefix("/logga-in") == true)
            #expect(try await desktop.get("/kundavdelning").status == .ok)
            let event = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "session.ended").first())
            #expect(event.details?.contains("Safari on iPhone") == true)
        }
    }

    @Test("'Logga ut alla andra enheter' ends every other session and keeps this one")
    func endOtherSessions() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let others = [TestBrowser(app: context.app), TestBrowser(app: context.app)]
            for browser in others { try await browser.logIn(email: "kund@example.se", password: Fixtures.password) }
            let this = TestBrowser(app: context.app)
            try await this.logIn(email: "kund@example.se", password: Fixtures.password)
            try await this.get("/kundavdelning/sakerhet")

            try await this.post("/kundavdelning/sakerhet/enheter/logga-ut-andra", [:])

            for browser in others {
                #expect(try await browser.get("/kundavdelning").status == .seeOther)
            }
            #expect(try await this.get("/kundavdelning").status == .ok)
            #expect(try await AuthSession.query(on: context.app.db).count() == 1)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "session.others_ended").count() == 1)
        }
    }

    @Test("Another customer's session cannot be ended")
    func foreignSession() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            try await Fixtures.customer(context.app, email: "annan@example.se", name: "Anna Annan")
            let other = TestBrowser(app: context.app)
            try await other.logIn(email: "annan@example.se", password: Fixtures.password)
            let otherSession = try #require(try await AuthSession.query(on: context.app.db).first())
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            try await browser.get("/kundavdelning/sakerhet")

            try await browser.post(SiteURL.endSession(.value(try otherSession.requireID())).path, [:])

            #expect(try await other.get("/kundavdelning").status == .ok)
        }
    }

    @Test("Säkerhetshändelser: this customer's last 90 days, newest first, 20 a page")
    func securityEvents() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let customerID = try customer.requireID()
            let now = context.clock.now()
            // 25 failed logins over the last days, one too old, and another customer's.
            for index in 0..<25 {
                try await AuditEvent(kind: .loginFailed, occurredAt: now.addingTimeInterval(-Double(index + 1) * 3600), customerID: customerID,
                                     email: customer.email, ipAddress: "203.0.113.\(index)", userAgent: Self.firefoxOnWindows).create(on: context.app.db)
            }
            try await AuditEvent(kind: .passwordChanged, occurredAt: now.addingTimeInterval(-91 * 86400), customerID: customerID,
                                 email: customer.email, ipAddress: "198.51.100.99", userAgent: nil).create(on: context.app.db)
            try await AuditEvent(kind: .loginFailed, occurredAt: now, customerID: UUID(), email: "x@example.se",
                                 ipAddress: "198.51.100.77", userAgent: nil).create(on: context.app.db)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)

            let first = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(first.contains("Inloggning"))
            #expect(first.contains("Misslyckad inloggning (fel lösenord)"))
            #expect(first.contains("203.0.113.0"))
            #expect(first.contains("Firefox på Windows"))
            #expect(!first.contains("198.51.100.77"))
            // Newest first: the login just now comes before the failure an hour ago.
            let login = try #require(first.range(of: ">Inloggning<"))
            let failure = try #require(first.range(of: "203.0.113.0"))
            #expect(login.lowerBound < failure.lowerBound)
            #expect(first.contains(#"href="/kundavdelning/sakerhet?sida=2#handelser""#))

            let second = try await browser.get("/kundavdelning/sakerhet?sida=2").body.string
            #expect(second.contains("203.0.113.24"))
            #expect(!second.contains("198.51.100.99"))
            #expect(!second.contains("?sida=3"))
        }
    }

    @Test("A login from a new browser mails 'Ny inloggning på ditt konto' — not on the first login, once per device")
    func newDeviceMail() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let first = TestBrowser(app: context.app)
            try await first.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(try await OutboxReader.mails(context.app).isEmpty)

            let second = TestBrowser(app: context.app)
            second.userAgent = Self.firefoxOnWindows
            try await second.logIn(email: "kund@example.se", password: Fixtures.password)
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.map(\.subject) == ["Ny inloggning på ditt konto"])
            #expect(mails.first?.textBody.contains("Firefox på Windows") == true)
            #expect(mails.first?.textBody.contains("/kundavdelning/sakerhet") == true)

            // The same browser again, and the first one again: no more mail.
            try await second.get("/kundavdelning")
            try await second.post("/logga-ut", [:])
            try await second.logIn(email: "kund@example.se", password: Fixtures.password)
            try await first.get("/kundavdelning")
            try await first.post("/logga-ut", [:])
            try await first.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(try await OutboxReader.mails(context.app).count == 1)
        }
    }
}
