import Crypto
import Fluent
import Foundation
import PortierWebAuthn
import Testing
import Vapor
import VaporTesting
import WebAuthnTestSupport
@testable import Portier

@Suite("Passkeys: adding, renaming and removing on Säkerhet")
struct PasskeyRegistrationTests {
    @Test("Options ask for a discoverable key with user verification and no attestation; the challenge is stored only hashed")
    func options() async throws {
        try await withPortierApp { context in
            let customer = try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let response = try await PasskeyFixtures.registrationOptions(browser)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .cacheControl) == "no-store")
            let options = try PasskeyFixtures.json(response)

            let rp = try #require(options["rp"] as? [String: Any])
            #expect(rp["id"] as? String == "127.0.0.1")
            let user = try #require(options["user"] as? [String: Any])
            let handle = try #require(PortierWebAuthn.Base64URL.decode(user["id"] as? String ?? ""))
            #expect(handle.count == 32)
            #expect(!String(decoding: handle, as: UTF8.self).contains("kund"))
            #expect(user["name"] as? String == "kund@example.se")
            #expect(user["displayName"] as? String == customer.name)
            let selection = try #require(options["authenticatorSelection"] as? [String: Any])
            #expect(selection["residentKey"] as? String == "required")
            #expect(selection["userVerification"] as? String == "required")
            #expect(options["attestation"] as? String == "none")
            #expect((options["pubKeyCredParams"] as? [[String: Any]])?.compactMap { $0["alg"] as? Int } == [-7, -8, -257])

            let challenge = try #require(PortierWebAuthn.Base64URL.decode(options["challenge"] as? String ?? ""))
            #expect(challenge.count >= 16)
            let row = try #require(try await PasskeyChallenge.query(on: context.app.db).first())
            #expect(row.challengeHash == SHA256.hash(data: challenge).map { String(format: "%02x", $0) }.joined())
            #expect(row.ceremony == .registration)
            #expect(row.subjectID == customer.id)
            #expect(row.expiresAt == context.clock.now().addingTimeInterval(300))
        }
    }

    @Test("Adding a key: it is listed with its name and date, mailed, audited, and excluded from the next options")
    func adding() async throws {
        try await withPortierApp { context in
            let (browser, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            #expect(key.name == "Min telefon")
            #expect(key.subjectKind == .customer)
            #expect(key.credentialID == PortierWebAuthn.Base64URL.encode(authenticator.credentialID))
            #expect(Array(key.publicKey) == authenticator.coseKey)
            #expect(key.algorithm == -7)
            #expect(key.lastUsedAt == nil)
            #expect(try await PasskeyChallenge.query(on: context.app.db).count() == 0)

            let page = try await browser.get("/kundavdelning/sakerhet?notice=passkey-added").body.string
            #expect(page.contains("Lösennyckeln är tillagd."))
            #expect(page.contains("<strong>Min telefon</strong>"))
            #expect(page.contains("Aldrig använd"))
            let mails = try await OutboxReader.mails(context.app, to: "kund@example.se")
            #expect(mails.map(\.subject) == ["En lösennyckel har lagts till"])
            #expect(mails[0].textBody.contains("”Min telefon”"))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "passkey.added").count() == 1)
            #expect(page.contains("Lösennyckel tillagd"))

            let again = try PasskeyFixtures.json(try await PasskeyFixtures.registrationOptions(browser, name: "Andra"))
            let excluded = (again["excludeCredentials"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(excluded == [key.credentialID])
        }
    }

    @Test("Refused with their reasons: wrong origin, wrong rp id, wrong challenge, missing user verification, wrong type")
    func refusedResponses() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            var wrongOrigin = SoftwareAuthenticator.Tampering()
            wrongOrigin.origin = "https://evil.example"
            var wrongRP = SoftwareAuthenticator.Tampering()
            wrongRP.rpID = "evil.example"
            var wrongChallenge = SoftwareAuthenticator.Tampering()
            wrongChallenge.challenge = Array(repeating: 9, count: 32)
            var noUV = SoftwareAuthenticator.Tampering()
            noUV.userVerified = false
            var wrongType = SoftwareAuthenticator.Tampering()
            wrongType.type = "webauthn.get"
            let cases: [(SoftwareAuthenticator.Tampering, String)] = [
                (wrongOrigin, "passkeys.error.verification_failed"),
                (wrongRP, "passkeys.error.verification_failed"),
                (wrongChallenge, "passkeys.error.challenge"),
                (noUV, "passkeys.error.user_not_verified"),
                (wrongType, "passkeys.error.verification_failed"),
            ]
            for (tampering, key) in cases {
                let response = try await PasskeyFixtures.register(context, browser, SoftwareAuthenticator(), tampering: tampering)
                #expect(response.status == .unprocessableEntity)
                #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, key))
            }
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 0)
            #expect(try await OutboxReader.mails(context.app).isEmpty)
        }
    }

    @Test("A challenge works once, for five minutes, for the account it was issued to")
    func challengeIsSingleUseAndBound() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            try await Fixtures.customer(context.app, email: "annan@example.se", name: "Bertil Annan")
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let origin = PasskeyFixtures.origin(context)

            // Reused: the same options answered twice (a second authenticator).
            let options = try PasskeyFixtures.json(try await PasskeyFixtures.registrationOptions(browser))
            let first = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "Ett", "credential": SoftwareAuthenticator().register(options: options, origin: origin)])
            #expect(first.status == .ok)
            let reused = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "Två", "credential": SoftwareAuthenticator().register(options: options, origin: origin)])
            #expect(reused.status == .unprocessableEntity)
            #expect(try PasskeyFixtures.error(reused) == PasskeyFixtures.message(context, "passkeys.error.challenge"))

            // Expired: answered after five minutes.
            let late = try PasskeyFixtures.json(try await PasskeyFixtures.registrationOptions(browser))
            context.clock.advance(by: 301)
            let expired = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "Sen", "credential": SoftwareAuthenticator().register(options: late, origin: origin)])
            #expect(expired.status == .unprocessableEntity)
            #expect(try PasskeyFixtures.error(expired) == PasskeyFixtures.message(context, "passkeys.error.challenge"))

            // Another account's challenge.
            let other = TestBrowser(app: context.app)
            try await other.logIn(email: "annan@example.se", password: Fixtures.password)
            let othersOptions = try PasskeyFixtures.json(try await PasskeyFixtures.registrationOptions(other))
            let stolen = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "Stulen", "credential": SoftwareAuthenticator().register(options: othersOptions, origin: origin)])
            #expect(stolen.status == .unprocessableEntity)
            #expect(try PasskeyFixtures.error(stolen) == PasskeyFixtures.message(context, "passkeys.error.challenge"))

            #expect(try await PasskeyCredential.query(on: context.app.db).all().map(\.name) == ["Ett"])
        }
    }

    @Test("A credential ID that another customer registered is refused")
    func credentialIDTakenByAnotherCustomer() async throws {
        try await withPortierApp { context in
            let (_, authenticator) = try await PasskeyFixtures.customerWithPasskey(context)
            try await Fixtures.customer(context.app, email: "annan@example.se", name: "Bertil Annan")
            let other = TestBrowser(app: context.app)
            try await other.logIn(email: "annan@example.se", password: Fixtures.password)
            let copy = SoftwareAuthenticator(credentialID: authenticator.credentialID)
            let response = try await PasskeyFixtures.register(context, other, copy, name: "Kopia")
            #expect(response.status == .unprocessableEntity)
            #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, "passkeys.error.already_registered"))
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 1)
        }
    }

    @Test("Adding needs a login of the last ten minutes, or the password again")
    func freshLoginOrPassword() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let fresh = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(fresh.contains(#"id="passkey-password-field" hidden"#))

            context.clock.advance(by: 11 * 60)
            let page = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(!page.contains(#"id="passkey-password-field" hidden"#))

            let without = try await PasskeyFixtures.registrationOptions(browser)
            #expect(without.status == .forbidden)
            #expect(try PasskeyFixtures.json(without)["needsPassword"] as? Bool == true)
            #expect(try PasskeyFixtures.error(without) == PasskeyFixtures.message(context, "passkeys.error.password_needed"))
            let wrong = try await PasskeyFixtures.registrationOptions(browser, password: "inte mitt lösenord alls")
            #expect(wrong.status == .forbidden)
            #expect(try await PasskeyChallenge.query(on: context.app.db).count() == 0)

            let right = try await PasskeyFixtures.registrationOptions(browser, password: Fixtures.password)
            #expect(right.status == .ok)
            let credential = SoftwareAuthenticator().register(options: try PasskeyFixtures.json(right), origin: PasskeyFixtures.origin(context))
            let added = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "Min telefon", "credential": credential])
            #expect(added.status == .ok)
        }
    }

    @Test("Bad names are refused before the browser's dialog")
    func names() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            for (name, key) in [("  ", "passkeys.error.name_missing"), (String(repeating: "n", count: 61), "passkeys.error.name_too_long"), ("a\u{7}b", "passkeys.error.name_invalid")] {
                let response = try await PasskeyFixtures.registrationOptions(browser, name: name)
                #expect(response.status == .unprocessableEntity)
                #expect(try PasskeyFixtures.error(response) == PasskeyFixtures.message(context, key))
            }
            let malformed = try await browser.postJSON(PasskeyFixtures.registerPath, ["name": "x", "credential": ["id": 5]])
            #expect(malformed.status == .badRequest)
            #expect(try PasskeyFixtures.error(malformed) == PasskeyFixtures.message(context, "passkeys.error.malformed"))
        }
    }

    @Test("The JSON endpoints need the CSRF token and a logged-in customer")
    func csrfAndLogin() async throws {
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let browser = TestBrowser(app: context.app)
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            try await browser.get("/kundavdelning/sakerhet")
            let noToken = try await browser.postJSON(PasskeyFixtures.optionsPath, ["name": "x"], includeCSRF: false)
            #expect(noToken.status == .forbidden)
            let wrongToken = try await browser.postJSON(PasskeyFixtures.optionsPath, ["name": "x", "csrf_token": "fel"])
            #expect(wrongToken.status == .forbidden)
            #expect(try await PasskeyChallenge.query(on: context.app.db).count() == 0)

            let visitor = TestBrowser(app: context.app)
            try await visitor.get("/logga-in")
            let anonymous = try await visitor.postJSON(PasskeyFixtures.optionsPath, ["name": "x"])
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers.first(name: .location) == "/logga-in?next=/kundavdelning/sakerhet")
        }
    }

    @Test("Renaming works; removing needs the password; both are audited and shown as security events")
    func renameAndRemove() async throws {
        try await withPortierApp { context in
            let (browser, _) = try await PasskeyFixtures.customerWithPasskey(context)
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            let id = try key.requireID().uuidString.lowercased()

            try await browser.get("/kundavdelning/sakerhet")
            let renamed = try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/byt-namn", ["name": "Karins iPhone"])
            #expect(renamed.status == .seeOther)
            #expect(try await PasskeyCredential.find(key.id, on: context.app.db)?.name == "Karins iPhone")
            try await browser.get("/kundavdelning/sakerhet")
            let badName = try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/byt-namn", ["name": ""])
            #expect(badName.status == .unprocessableEntity)
            #expect(badName.body.string.contains(PasskeyFixtures.message(context, "passkeys.error.name_missing")))

            try await browser.get("/kundavdelning/sakerhet")
            let noPassword = try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/ta-bort", [:])
            #expect(noPassword.status == .unprocessableEntity)
            let wrongPassword = try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/ta-bort", ["current_password": "inte mitt lösenord alls"])
            #expect(wrongPassword.status == .unprocessableEntity)
            #expect(wrongPassword.body.string.contains(#"id="remove-\#(id)-error""#))
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 1)

            let removed = try await browser.post("/kundavdelning/sakerhet/losennycklar/\(id)/ta-bort", ["current_password": Fixtures.password])
            #expect(removed.status == .seeOther)
            #expect(try await PasskeyCredential.query(on: context.app.db).count() == 0)
            let page = try await browser.get("/kundavdelning/sakerhet").body.string
            #expect(page.contains("Lösennyckel borttagen"))
            #expect(page.contains("Lösennyckel fick nytt namn"))
            #expect(page.contains("Du har inga lösennycklar än."))
        }
    }

    @Test("Another customer's key is 404 for renaming and removing")
    func otherCustomersKey() async throws {
        try await withPortierApp { context in
            _ = try await PasskeyFixtures.customerWithPasskey(context)
            let key = try #require(try await PasskeyCredential.query(on: context.app.db).first())
            let id = try key.requireID().uuidString.lowercased()
            try await Fixtures.customer(context.app, email: "annan@example.se", name: "Bertil Annan")
            let other = TestBrowser(app: context.app)
            try await other.logIn(email: "annan@example.se", password: Fixtures.password)
            try await other.get("/kundavdelning/sakerhet")
            let rename = try await other.post("/kundavdelning/sakerhet/losennycklar/\(id)/byt-namn", ["name": "Min nu"])
            #expect(rename.status == .notFound)
            let remove = try await other.post("/kundavdelning/sakerhet/losennycklar/\(id)/ta-bort", ["current_password": Fixtures.password])
            #expect(remove.status == .notFound)
            #expect(try await PasskeyCredential.find(key.id, on: context.app.db)?.name == "Min telefon")
        }
    }
}
