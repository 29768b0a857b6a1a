import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Password reset: asking for a link")
struct ResetRequestTests {
    @Test("The forgot page has one e-mail field and the button Återställ lösenord")
    func page() async throws {
        try await withPortierApp { context in
            let body = try await TestBrowser(app: context.app).get("/glomt-losenord").body.string

            #expect(body.contains(#"<input id="email" name="email" type="email""#))
            #expect(body.contains(">Återställ lösenord</button>"))
            #expect(body.components(separatedBy: "<input id=").count == 2)
        }
    }

    @Test("An unknown address says there is no such customer, hints at the invoices, keeps the input")
    func unknownAddress() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")

            let response = try await browser.post("/glomt-losenord", ["email": "fel@example.se"])

            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Det finns ingen kund med den e-postadressen."))
            #expect(response.body.string.contains("samma adress som står på fakturorna"))
            #expect(response.body.string.contains(#"value="fel@example.se""#))
            #expect(try await OutboxReader.mails(context.app).isEmpty)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "password_reset.unknown_email").count() == 1)
        }
    }

    @Test("A known address gets one Swedish mail with a link built from the base URL")
    func knownAddress() async throws {
        try await withPortierApp({ $0.baseURL = URL(string: "http://portal.example.se")! }) { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")

            let response = try await browser.post("/glomt-losenord", ["email": " Kund@Example.se"])

            #expect(response.status == .ok)
            #expect(response.body.string.contains("Vi har skickat ett mail med en länk"))
            #expect(response.body.string.contains("skräppostmapp"))
            #expect(response.body.string.contains("Skicka mailet igen"))
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.subject == "Återställ ditt lösenord")
            #expect(mail.to.name == "Karin Kund")
            #expect(mail.textBody.contains("Hej Karin Kund!"))
            #expect(mail.textBody.contains("http://portal.example.se/aterstall-losenord/"))
            #expect(mail.textBody.contains("60 minuter"))
            #expect(mail.textBody.contains("bortse från mailet"))
            #expect(mail.htmlBody.contains("<a href=\"http://portal.example.se/aterstall-losenord/"))
            let token = try #require(try await PasswordResetToken.query(on: context.app.db).first())
            let path = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            let raw = String(path.split(separator: "/").last ?? "")
            #expect(token.tokenHash == TokenDigest.sha256Hex(raw))
            #expect(raw.count >= 43)
        }
    }

    @Test("The Host header never shapes the link")
    func hostHeaderIgnored() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")

            _ = try await context.app.testing().sendRequest(.POST, "/glomt-losenord", headers: [
                "Host": "evil.example", "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "portier_csrf=\(browser.cookies["portier_csrf"] ?? "")",
            ], body: .init(string: "email=kund%40example.se&csrf_token=\(browser.csrfToken ?? "")"))

            let mail = try #require(try await OutboxReader.mails(context.app).first)
            #expect(!mail.textBody.contains("evil.example"))
            #expect(mail.textBody.contains("http://127.0.0.1:8080/aterstall-losenord/"))
        }
    }

    @Test("One mail a minute and five an hour per address")
    func throttlingPerAddress() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")

            #expect(try await browser.post("/glomt-losenord", ["email": "kund@example.se"]).status == .ok)
            let tooSoon = try await browser.post("/glomt-losenord", ["email": "kund@example.se"])
            #expect(tooSoon.status == .tooManyRequests)
            #expect(tooSoon.body.string.contains("Vänta 1 minut(er)"))
            for _ in 0..<4 {
                context.clock.advance(by: 61)
                #expect(try await browser.post("/glomt-losenord", ["email": "kund@example.se"]).status == .ok)
            }
            context.clock.advance(by: 61)
            #expect(try await browser.post("/glomt-losenord", ["email": "kund@example.se"]).status == .tooManyRequests)

            #expect(try await OutboxReader.mails(context.app).count == 5)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "password_reset.throttled").count() == 2)
        }
    }

    @Test("A newer link revokes the older one")
    func supersession() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")
            try await browser.post("/glomt-losenord", ["email": "kund@example.se"])
            let first = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            context.clock.advance(by: 61)
            try await browser.post("/glomt-losenord", ["email": "kund@example.se"])
            let second = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))

            #expect(first != second)
            #expect(try await browser.get(first).status == .gone)
            #expect(try await browser.get(second).status == .ok)
        }
    }

    @Test("Neutral mode: one page, one status, every answer held to the deadline, and medians within 10 % when the machine keeps the deadline")
    func neutralMode() async throws {
        try await withPortierApp({
            $0.resetRevealsUnknownEmail = false
            $0.neutralResetDeadline = 0.15
        }) { context in
            for index in 0..<30 {
                try await Fixtures.customer(context.app, email: "kund\(index)@example.se", password: nil)
            }
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")
            var known: [Duration] = [], unknown: [Duration] = []
            var bodies: Set<String> = [], statuses: Set<UInt> = []

            for index in 0..<30 {
                for (email, isKnown) in [("kund\(index)@example.se", true), ("okand\(index)@example.se", false)] {
                    let start = ContinuousClock.now
                    let response = try await browser.post("/glomt-losenord", ["email": email])
                    let elapsed = ContinuousClock.now - start
                    if isKnown { known.append(elapsed) } else { unknown.append(elapsed) }
                    statuses.insert(response.status.code)
                    bodies.insert(response.body.string.replacingOccurrences(of: email, with: "E"))
                }
            }

            #expect(statuses == [200])
            #expect(bodies.count == 1)
            // The mechanism, always: no answer, known or unknown, leaves before the deadline.
            let deadline = 0.15
            #expect(seconds(known + unknown).allSatisfy { $0 >= deadline * 0.98 })
            let knownMedian = median(known), unknownMedian = median(unknown)
            let difference = abs(knownMedian - unknownMedian) / max(knownMedian, unknownMedian)
            print("neutral mode medians: known \(knownMedian * 1000) ms, unknown \(unknownMedian * 1000) ms, difference \(difference * 100) %")
            // Equal medians, when the deadline sets the time. With hundreds of tests running at once
            // on two cores the work itself can outlast the deadline; bench/reset-timing measures the
            // timing on a quiet machine (bench/results.md).
            if max(knownMedian, unknownMedian) <= deadline * 1.5 {
                #expect(difference < 0.10)
            }
            #expect(try await OutboxReader.mails(context.app).count == 30)
        }
    }

    private func seconds(_ durations: [Duration]) -> [Double] {
        durations.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }

    private func median(_ durations: [Duration]) -> Double {
        let sorted = seconds(durations).sorted()
        return sorted[sorted.count / 2]
    }
}
