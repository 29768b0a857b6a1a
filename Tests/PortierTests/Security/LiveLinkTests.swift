import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

/// Single-use links live no longer than they must: revoked by a reset, gone from the outbox once
/// sent, short-lived when printed by an operator command; and an address change is told at once.
@Suite("Live links and tokens")
struct LiveLinkTests {
    @Test("A completed password reset also revokes a pending e-mail-change link")
    func resetRevokesEmailChange() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let customer = TestBrowser(app: context.app)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            try await customer.get("/kundavdelning/kontaktuppgifter")
            try await customer.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": Fixtures.password])
            let confirmation = try #require(try await OutboxReader.mails(context.app, to: "ny@example.se").last)
            let confirmPath = try #require(confirmation.textBody.range(of: #"/bekrafta-e-post/[A-Za-z0-9_-]+"#, options: .regularExpression).map { String(confirmation.textBody[$0]) })

            let visitor = TestBrowser(app: context.app)
            try await visitor.get("/glomt-losenord")
            try await visitor.post("/glomt-losenord", ["email": "kund@example.se"])
            let resetPath = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            try await visitor.get(resetPath)
            let reset = try await visitor.post(resetPath, ["password": "ett helt nytt lösenord 77", "password_confirmation": "ett helt nytt lösenord 77"])
            #expect(reset.status == .seeOther)

            let confirmPage = try await TestBrowser(app: context.app).get(confirmPath)
            #expect(confirmPage.status == .gone)
            #expect(try await Customer.find(email: "kund@example.se", on: context.app.db) != nil)
        }
    }

    @Test("Asking to change the e-mail address tells the current address at once, with a way to reset the password")
    func emailChangeWarnsOldAddress() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let customer = TestBrowser(app: context.app)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            try await customer.get("/kundavdelning/kontaktuppgifter")

            try await customer.post("/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": Fixtures.password])

            let warning = try #require(try await OutboxReader.mails(context.app, to: "kund@example.se").last)
            #expect(warning.subject == "Någon vill byta e-postadress på ditt konto")
            #expect(warning.textBody.contains("ny@example.se"))
            #expect(warning.textBody.contains("http://127.0.0.1:8080/glomt-losenord"))
            #expect(!warning.textBody.contains("/bekrafta-e-post/"))
            #expect(!warning.carriesSecretLink)
        }
    }

    @Test("A sent mail that held a reset link keeps no link in the outbox; other mail is kept whole")
    func sentLinksRedacted() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let transport = RecordingMailTransport()
            context.app.mail.transport = transport
            let visitor = TestBrowser(app: context.app)
            try await visitor.get("/glomt-losenord")
            try await visitor.post("/glomt-losenord", ["email": "kund@example.se"])
            let resetPath = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            let token = String(resetPath.split(separator: "/").last ?? "")
            let plain = try RecoveryMails(catalogs: context.app.catalogs, configuration: context.app.portier.configuration)
                .passwordChanged(for: try #require(try await Customer.find(email: "kund@example.se", on: context.app.db)), at: context.clock.now())
            try await Outbox.enqueue(plain, on: context.app.db, now: context.clock.now())

            #expect(try await context.app.mail.worker.runOnce() == 2)

            let delivered = await transport.sentMails.map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(delivered.contains { $0.contains(String(token.prefix(20))) })
            let rows = try await OutboxMessage.query(on: context.app.db).all()
            #expect(rows.allSatisfy { $0.status == .sent })
            #expect(rows.allSatisfy { !$0.payload.contains(token) })
            let kept = try rows.map { try $0.decodedMail() }
            #expect(kept.filter { $0.textBody == OutgoingMail.redactedBody }.count == 1)
            #expect(kept.contains { $0.textBody == plain.textBody })
        }
    }

    @Test("The set-password link of `portier customers create` lives 24 hours unless --link-hours says otherwise")
    func linkHours() async throws {
        try await withPortierApp { context in
            let console = RecordingConsole()
            for arguments in [
                ["portier", "create", "--email", "ny@example.se", "--name", "Nina Ny"],
                ["portier", "create", "--email", "tva@example.se", "--name", "Två", "--link-hours", "2"],
            ] {
                var command = CommandContext(console: console, input: CommandInput(arguments: arguments))
                command.application = context.app
                try await CustomersCommand().run(using: &command)
            }

            let tokens = try await PasswordResetToken.query(on: context.app.db).with(\.$customer).all()
            let lifetimes = Dictionary(uniqueKeysWithValues: tokens.map { ($0.customer.email, $0.expiresAt.timeIntervalSince($0.createdAt)) })
            #expect(abs((lifetimes["ny@example.se"] ?? 0) - 24 * 3600) < 1)
            #expect(abs((lifetimes["tva@example.se"] ?? 0) - 2 * 3600) < 1)
            #expect(console.text.contains("valid 24 hours"))
        }
    }
}

@Suite("Throttles after a reset; the server secret")
struct ResetClearsThrottleTests {
    @Test("A completed password reset clears the account's login counters")
    func resetClearsCounters() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let stranger = TestBrowser(app: context.app)
            for _ in 0..<ThrottlePolicy.loginPerAccount.freeFailures {
                try await stranger.logIn(email: "kund@example.se", password: "fel gissning")
            }
            let blocked = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(blocked.status == .tooManyRequests)

            let owner = TestBrowser(app: context.app)
            try await owner.get("/glomt-losenord")
            try await owner.post("/glomt-losenord", ["email": "kund@example.se"])
            let path = try #require(try await OutboxReader.resetPath(context.app, to: "kund@example.se"))
            try await owner.get(path)
            try await owner.post(path, ["password": "ett nytt långt lösenord 5", "password_confirmation": "ett nytt långt lösenord 5"])

            let after = try await TestBrowser(app: context.app).logIn(email: "kund@example.se", password: "ett nytt långt lösenord 5")
            #expect(after.status == .seeOther)
        }
    }

    @Test("portier secret generate prints 32 random bytes in base64, new each time")
    func secretGenerate() async throws {
        try await withPortierApp { context in
            var printed: [String] = []
            for _ in 0..<2 {
                let console = RecordingConsole()
                var command = CommandContext(console: console, input: CommandInput(arguments: ["portier", "generate"]))
                command.application = context.app
                try await SecretCommand().run(using: &command)
                printed.append(console.text.trimmingCharacters(in: .whitespacesAndNewlines))
            }

            #expect(printed.allSatisfy { ServerSecret(base64: $0)?.bytes.count == 32 })
            #expect(printed[0] != printed[1])
        }
    }
}

@Suite("Throttles: several keys")
struct ThrottleKeysTests {
    @Test("An attempt refused by one key is not counted against the others")
    func refusedByOneKey() async throws {
        try await withPortierApp { context in
            let throttle = Throttle(database: context.app.db)
            let now = context.clock.now()
            for _ in 0..<ThrottlePolicy.loginPerAccount.freeFailures {
                _ = try await throttle.reserve("account", policy: .loginPerAccount, now: now)
            }
            let keys: [(key: String, policy: ThrottlePolicy)] = [("account", .loginPerAccount), ("address", .loginPerAddress)]

            let decision = try await throttle.reserve(keys, now: now)

            #expect(decision == .refused(retryAfter: 30))
            #expect(try await ThrottleCounter.find("address", on: context.app.db)?.failures == 0)
        }
    }
}
