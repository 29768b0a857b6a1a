import Fluent
import Foundation
import NIOHTTP1
import Testing
import Vapor
import WebAuthnTestSupport
@testable import Portier

/// The passkey endpoints as an attacker (or two eager tabs) meets them: many requests at once
/// over a real socket, on the test database (SQLite, or PostgreSQL under `scripts/test`).
@Suite("Passkeys hold under concurrency over a real socket")
struct PasskeyConcurrencyTests {
    private static let optionsPath = SitePath.passkeyOptions.path
    private static let registerPath = SitePath.passkeys.path

    private static func origin(_ served: ServedPortier) -> String {
        let url = served.app.portier.configuration.baseURL
        return url.scheme! + "://" + url.host! + (url.port.map { ":\($0)" } ?? "")
    }

    private static func json(_ response: SocketResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }

    /// Sends each body at once to `path` as JSON and returns the responses.
    private static func concurrently(_ browser: SocketBrowser, post path: String, bodies: [String]) async throws -> [SocketResponse] {
        let headers = browser.headers
        let served = browser.served
        return try await withThrowingTaskGroup(of: SocketResponse.self) { group in
            for body in bodies {
                group.addTask { try await served.send(.POST, path, headers: headers, body: body, contentType: "application/json") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// A logged-in customer on Säkerhet (fresh login, so no password is asked).
    private static func customer(_ served: ServedPortier) async throws -> SocketBrowser {
        try await Fixtures.customer(served.app)
        let browser = SocketBrowser(served)
        #expect(try await browser.logIn(email: "kund@example.se", password: Fixtures.password).status == .seeOther)
        try await browser.get(SitePath.security.path)
        return browser
    }

    /// The finishing body of one registration of `authenticator`, on options of its own.
    private static func registrationBody(_ browser: SocketBrowser, _ authenticator: SoftwareAuthenticator, name: String) async throws -> String {
        let options = try await browser.postJSON(optionsPath, ["name": name])
        #expect(options.status == .ok, "\(options.body)")
        let credential = authenticator.register(options: try json(options), origin: origin(browser.served))
        return try browser.jsonBody(["name": name, "credential": credential])
    }

    @Test("20 concurrent sign-ins replaying one valid challenge and signature: exactly one logs in")
    func replayedAssertion() async throws {
        try await withServedPortier { served in
            let owner = try await Self.customer(served)
            let authenticator = SoftwareAuthenticator()
            let body = try await Self.registrationBody(owner, authenticator, name: "Min telefon")
            let registered = try await served.send(.POST, Self.registerPath, headers: owner.headers, body: body, contentType: "application/json")
            #expect(registered.status == .ok, "\(registered.body)")

            let attacker = SocketBrowser(served)
            try await attacker.get(SitePath.login.path)
            let options = try await attacker.postJSON(SitePath.passkeyLoginOptions.path, [:])
            let assertion = authenticator.assert(options: try Self.json(options), origin: Self.origin(served))
            let replayed = try attacker.jsonBody(["credential": assertion])

            let responses = try await Self.concurrently(attacker, post: SitePath.passkeyLogin.path, bodies: Array(repeating: replayed, count: 20))

            #expect(responses.filter { $0.status.code == 200 }.count == 1)
            #expect(responses.filter { $0.status.code == 401 }.count == 19)
            #expect(responses.filter { $0.setCookies["portier_session"] != nil }.count == 1)
            #expect(try await AuthSession.query(on: served.app.db).filter(\.$strength == .passkey).count() == 1)
            #expect(try await AuditEvent.query(on: served.app.db).filter(\.$kind == AuditEvent.Kind.passkeyUsed.rawValue).count() == 1)
            let key = try #require(try await PasskeyCredential.query(on: served.app.db).first())
            #expect(key.signCount == 1)
            #expect(key.possiblyClonedAt == nil)
        }
    }

    @Test("20 concurrent registrations of one credential ID, each on a challenge of its own: one key is stored")
    func sameCredentialRegisteredAtOnce() async throws {
        try await withServedPortier { served in
            let browser = try await Self.customer(served)
            let authenticator = SoftwareAuthenticator()
            var bodies: [String] = []
            for index in 0..<20 {
                bodies.append(try await Self.registrationBody(browser, authenticator, name: "Nyckel \(index)"))
            }

            let responses = try await Self.concurrently(browser, post: Self.registerPath, bodies: bodies)

            let codes = responses.map(\.status.code)
            #expect(codes.filter { $0 == 200 }.count == 1, "\(codes)")
            #expect(codes.filter { $0 == 422 }.count == 19, "\(codes)")
            let message = served.app.catalogs.string("passkeys.error.already_registered", language: .swedish)
            let errors = responses.filter { $0.status.code == 422 }.map { (try? Self.json($0))?["error"] as? String }
            #expect(errors.allSatisfy { $0 == message }, "\(errors)")
            #expect(try await PasskeyCredential.query(on: served.app.db).count() == 1)
            #expect(try await AuditEvent.query(on: served.app.db).filter(\.$kind == AuditEvent.Kind.passkeyAdded.rawValue).count() == 1)
            #expect(try await OutboxReader.mails(served.app, to: "kund@example.se").filter { $0.subject == "En lösennyckel har lagts till" }.count == 1)
        }
    }

    @Test("At 19 keys, 6 concurrent registrations of different keys (options all issued at 19) end with 20")
    func keyLimitRecheckedAtRegistration() async throws {
        try await withServedPortier { served in
            let browser = try await Self.customer(served)
            let customer = try #require(try await Customer.find(email: "kund@example.se", on: served.app.db))
            for index in 0..<(PasskeyCredential.maximumPerSubject - 1) {
                try await PasskeyCredential(
                    subject: .customer(try customer.requireID()), credentialID: Array("befintlig-\(index)".utf8),
                    publicKey: SoftwareAuthenticator().coseKey, algorithm: -7, signCount: 0, userHandle: Array(repeating: 1, count: 32),
                    name: "Nyckel \(index)", transports: nil, isBackupEligible: false, createdAt: served.context.clock.now()
                ).create(on: served.app.db)
            }
            var bodies: [String] = []
            for index in 0..<6 {
                bodies.append(try await Self.registrationBody(browser, SoftwareAuthenticator(), name: "Ny \(index)"))
            }

            let responses = try await Self.concurrently(browser, post: Self.registerPath, bodies: bodies)

            #expect(responses.filter { $0.status.code == 200 }.count == 1)
            let refused = responses.filter { $0.status.code == 422 }
            #expect(refused.count == 5)
            let message = served.app.catalogs.string("passkeys.error.too_many", language: .swedish)
            #expect(try refused.allSatisfy { try Self.json($0)["error"] as? String == message })
            #expect(try await PasskeyCredential.query(on: served.app.db).count() == PasskeyCredential.maximumPerSubject)
        }
    }

    @Test("Concurrent sign-in options beyond the per-address allowance: 429 with Retry-After, customers' and staff's alike")
    func optionsThrottled() async throws {
        let cases = [
            (SitePath.passkeyLoginOptions.path, "passkey-login:options:ip:127.0.0.1"),
            (SitePath.staffPasskeyLoginOptions.path, "staff-passkey-login:options:ip:127.0.0.1"),
        ]
        for (path, key) in cases {
            try await withServedPortier { served in
                let visitor = SocketBrowser(served)
                try await visitor.get(SitePath.login.path)
                // The generous allowance (300) mostly spent already, as by an earlier burst from this address.
                let policy = PasskeyLoginController.optionsPolicy
                let throttle = Throttle(database: served.app.db)
                for _ in 0..<(policy.freeFailures - 10) {
                    #expect(try await throttle.reserve(key, policy: policy, now: served.context.clock.now()) == .allowed)
                }
                let body = try visitor.jsonBody([:])

                let responses = try await Self.concurrently(visitor, post: path, bodies: Array(repeating: body, count: 40))

                let issued = responses.filter { $0.status.code == 200 }
                let refused = responses.filter { $0.status.code == 429 }
                #expect(issued.count == 10, "\(path)")
                #expect(refused.count == 30, "\(path)")
                #expect(refused.allSatisfy { $0.headers.first(name: .retryAfter).flatMap(Int.init).map { $0 > 0 } == true }, "\(path)")
                #expect(try refused.allSatisfy { (try Self.json($0)["error"] as? String)?.contains("minut") == true }, "\(path)")
                #expect(try await PasskeyChallenge.query(on: served.app.db).count() == 10, "\(path)")
            }
        }
    }
}
