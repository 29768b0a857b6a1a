import Fluent
import Foundation
import PortierWebAuthn
import Testing
import Vapor
import VaporTesting
import WebAuthnTestSupport
@testable import Portier

@Suite("Passkeys: logging in")
struct PasskeyLoginTests {
    @Test("The login page offers passkeys: the button, autofill on the e-mail field, the script and what a lösennyckel is")
    func loginPage() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            for path in ["/logga-in", "/logga-in?next=/kundavdelning/fakturor"] {
                let page = try await browser.get(path).body.string
                #expect(page.contains(#"autocomplete="username webauthn""#))
                #expect(page.contains("Logga in med lösennyckel"))
                #expect(page.contains(#"<script src="/js/passkeys.js" defer></script>"#))
                #expect(page.contains("Vad är en lösennyckel?"))
                // The button waits for the script to find WebAuthn in the browser.
                #expect(page.contains(#"id="passkey-login" hidden"#))
            }
        }
    }

    @Test("A passkey login is a full login with two factors: no code step, even with two-step verification on")
    func fullLogin() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let setup = TestBrowser(app: context.app)
            _ = try await TwoStepFixtures.enable(context, browser: setup)
            let authenticator = SoftwareAuthenticator(algorithm: .edDSA)
            let registered = try await PasskeyFixtures.register(context, setup, authenticator)
            #expect(registered.status == .ok)

            let browser = TestBrowser(app: context.app)
            context.clock.advance(by: 60)
            let response = try await PasskeyFixtures.logIn(context, browser, authenticator, next: "/kundavdelning/fakturor")
            #expect(response.status == .ok)
            #expect(try PasskeyFixtures.json(response)["redirect"] as? String == "/kundavdelning/fakturor")
            #expect(response.headers.setCookie?["portier_session"] != nil)

            let area = try await browser.get("/kundavdelning/fakturor")
            #expect(area.status == .ok)
            let sessions = try await AuthSession.query(on: context.app.db).filter(\.$strength == .passkey).all()
            #expect(sessions.count == 1)
            #expect(sessions.first?.isSecondFactorPending == false)

            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            #expect(key.lastUsedAt == context.clock.now())
            #expect(key.signCount == 1)
            let login = try #require(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.succeeded").sort(\.$occurredAt, .descending).first())
            #expect(login.details == "passkey")
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "passkey.used").count() == 1)
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.second_factor_required").count() == 0)
            let page = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(page.contains("Inloggning med lösennyckel"))
            // As for passwords: a browser new to an account that has logged in before is mailed about.
            let subjects = try await OutboxReader.mails(context.app, to: "kund@example.se").map(\.subject)
            #expect(subjects.filter { $0 == "Ny inloggning på ditt konto" }.count == 1)
            #expect(browser.cookies.keys.contains { $0.contains("device") })
        }
    }

    @Test("Refused with their reasons: wrong origin, wrong rp id, wrong challenge, missing user verification, bad signature, unknown key")
    func refusedAssertions() async throws {
        try await withPortierApp { context in
            let (_, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            var wrongOrigin = SoftwareAuthenticator.Tampering()
            wrongOrigin.origin = "https://evil.example"
            var wrongRP = SoftwareAuthenticator.Tampering()
            wrongRP.rpID = "evil.example"
            var wrongChallenge = SoftwareAuthenticator.Tampering()
            wrongChallenge.challenge = Array(repeating: 9, count: 32)
            var noUV = SoftwareAuthenticator.Tampering()
            noUV.userVerified = false
            var badSignature = SoftwareAuthenticator.Tampering()
            badSignature.corruptSignature = true
            var unknownKey = SoftwareAuthenticator.Tampering()
            unknownKey.credentialID = Array(repeating: 1, count: 16)
            let cases: [(SoftwareAuthenticator.Tampering, String, String)] = [
                (wrongOrigin, "passkeys.error.verification_failed", "origin mismatch"),
                (wrongRP, "passkeys.error.verification_failed", "rp id mismatch"),
                (wrongChallenge, "passkeys.error.challenge", "challenge unknown, used or expired"),
                (noUV, "passkeys.error.user_not_verified", "user not verified"),
                (badSignature, "passkeys.error.verification_failed", "bad signature"),
                (unknownKey, "passkeys.error.unknown_key", "unknown credential"),
            ]
            for (tampering, key, reason) in cases {
                let browser = TestBrowser(app: context.app)
                let response = try await PasskeyFixtures.logIn(context, browser, authenticator, tampering: tampering)
                #expect(response.status == .unauthorized, "\(reason)")
                #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, key), "\(reason)")
                #expect(response.headers.setCookie?["portier_session"] == nil, "\(reason)")
                let area = try await browser.get("/kundavdelning")
                #expect(area.status == .seeOther, "\(reason)")
                let event = try await AuditEvent.query(on: context.app.db).filter(\.$kind ~~ ["passkey.refused", "login.passkey_failed"]).all()
                #expect(event.contains { $0.details?.hasSuffix(reason) == true }, "\(reason)")
            }
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$strength == .passkey).count() == 0)
            // None of these touched the key: the right answer still works.
            let ok = try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator)
            #expect(ok.status == .ok)
        }
    }

    @Test("A challenge signs in once and for five minutes")
    func challengeSingleUseAndExpiry() async throws {
        try await withPortierApp { context in
            let (_, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            let origin = PasskeyFixtures.origin(context)
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            let options = try PasskeyFixtures.json(try await browser.postJSON(PasskeyFixtures.loginOptionsPath, [:]))
            #expect(options["rpId"] as? String == "127.0.0.1")
            #expect(options["userVerification"] as? String == "required")
            #expect((options["allowCredentials"] as? [Any])?.isEmpty == true)
            let assertion = authenticator.assert(options: options, origin: origin)
            let first = try await browser.postJSON(PasskeyFixtures.loginPath, ["credential": assertion])
            #expect(first.status == .ok)

            let replayer = TestBrowser(app: context.app)
            try await replayer.get("/logga-in")
            let replayed = try await replayer.postJSON(PasskeyFixtures.loginPath, ["credential": assertion])
            #expect(replayed.status == .unauthorized)
            #expect(try PasskeyFixtures.error(replayed) == PasskeyFixtures.message(context, "passkeys.error.challenge"))

            let late = TestBrowser(app: context.app)
            try await late.get("/logga-in")
            let lateOptions = try PasskeyFixtures.json(try await late.postJSON(PasskeyFixtures.loginOptionsPath, [:]))
            context.clock.advance(by: 301)
            let expired = try await late.postJSON(PasskeyFixtures.loginPath, ["credential": authenticator.assert(options: lateOptions, origin: origin)])
            #expect(expired.status == .unauthorized)
            #expect(try PasskeyFixtures.error(expired) == PasskeyFixtures.message(context, "passkeys.error.challenge"))
        }
    }

    @Test("A challenge issued for adding a key does not sign anyone in")
    func challengeBoundToCeremony() async throws {
        try await withPortierApp { context in
            let (owner, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            let registration = try PasskeyFixtures.json(try await PasskeyFixtures.registrationOptions(owner, name: "Andra"))
            let signIn = authenticator.assert(options: ["challenge": registration["challenge"] as Any, "rpId": "127.0.0.1"], origin: PasskeyFixtures.origin(context))
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            let response = try await browser.postJSON(PasskeyFixtures.loginPath, ["credential": signIn])
            #expect(response.status == .unauthorized)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "passkeys.error.challenge"))
            #expect(try await PasskeyChallenge.query(on: context.app.db).count() == 1)   // the registration's, untouched
        }
    }

    @Test("A counter that goes backwards is refused, marks the key possibly cloned, and is mailed and shown")
    func counterBackwards() async throws {
        try await withPortierApp { context in
            let (owner, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            #expect(try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator).status == .ok)
            #expect(try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator).status == .ok)

            var clone = SoftwareAuthenticator.Tampering()
            clone.signCount = 1
            let cloned = try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator, tampering: clone)
            #expect(cloned.status == .unauthorized)
            #expect(try PasskeyFixtures.error(cloned) == PasskeyFixtures.message(context, "passkeys.error.possibly_cloned"))
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            #expect(key.possiblyClonedAt == context.clock.now())
            #expect(key.signCount == 2)
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.map(\.subject).contains("En lösennyckel kan ha kopierats"))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "passkey.counter_refused").count() == 1)

            // Blocked from now on, even with a counter that advances.
            let after = try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator)
            #expect(after.status == .unauthorized)
            #expect(try PasskeyFixtures.error(after) == PasskeyFixtures.message(context, "passkeys.error.possibly_cloned"))

            let page = try await owner.get("/kundavdelning/sakerhet").body.string
            #expect(page.contains("Kan vara kopierad"))
            #expect(page.contains(#"id="passkey-cloned-warning""#))
            #expect(page.contains("Lösennyckel spärrad (kan vara kopierad)"))
        }
    }

    @Test("An authenticator without a counter (always 0) keeps working")
    func zeroCounter() async throws {
        try await withPortierApp { context in
            let (_, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            var noCounter = SoftwareAuthenticator.Tampering()
            noCounter.signCount = 0
            for _ in 0..<2 {
                #expect(try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator, tampering: noCounter).status == .ok)
            }
        }
    }

    @Test("A removed key no longer logs in")
    func removedKey() async throws {
        try await withPortierApp { context in
            let (browser, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            let id = try #require(try await PasskeyCredential.query(on: context.app.db).first()?.requireID()).uuidString.lowercased()
            try await browser.get("/kundavdelning/sakerhet")
            #expect(try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/ta-bort", ["current_password": Fixtures.password]).status == .seeOther)
            let response = try await PasskeyFixtures.logIn(context, TestBrowser(app: context.app), authenticator)
            #expect(response.status == .unauthorized)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "passkeys.error.unknown_key"))
        }
    }

    @Test("A customer whose login support has disabled cannot log in with a passkey either")
    func disabledLogin() async throws {
        try await withPortierApp { context in
            let (_, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            let customer = try #require(try await Customer.query(on: context.app.db).first())
            customer.isLoginDisabled = true
            try await customer.save(on: context.app.db)

            let browser = TestBrowser(app: context.app)
            let response = try await PasskeyFixtures.logIn(context, browser, authenticator)
            #expect(response.status == .forbidden)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "staff.customers.login_disabled.message"))
            let refused = try await AuditEvent.query(on: context.app.db).filter(\.$kind == AuditEvent.Kind.loginRefusedDisabled.rawValue).count()
            #expect(refused == 1)
            #expect(try await browser.get("/kundavdelning").status == .seeOther)
        }
    }

    @Test("Sign-in attempts are throttled per client address like password logins, counted before the check")
    func throttled() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            let free = ThrottlePolicy.loginPerAddress.freeFailures
            let stranger = SoftwareAuthenticator()
            let assertion = stranger.assert(options: ["challenge": PortierWebAuthn.Base64URL.encode(Array(repeating: 3, count: 32)), "rpId": "127.0.0.1"], origin: PasskeyFixtures.origin(context))
            for _ in 0..<free {
                let response = try await browser.postJSON(PasskeyFixtures.loginPath, ["credential": assertion])
                #expect(response.status == .unauthorized)
            }
            let refused = try await browser.postJSON(PasskeyFixtures.loginPath, ["credential": assertion])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) != nil)
            #expect(try PasskeyFixtures.error(refused).contains("minut"))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "login.throttled").count() == 1)
        }
    }

    @Test("The sign-in endpoints need the CSRF token")
    func csrf() async throws {
        try await withPortierApp { context in
            let browser = TestBrowser(app: context.app)
            try await browser.get("/logga-in")
            #expect(try await browser.postJSON(PasskeyFixtures.loginOptionsPath, [:], includeCSRF: false).status == .forbidden)
            #expect(try await browser.postJSON(PasskeyFixtures.loginPath, ["credential": [:]], includeCSRF: false).status == .forbidden)
            #expect(try await PasskeyChallenge.query(on: context.app.db).count() == 0)
        }
    }
}
