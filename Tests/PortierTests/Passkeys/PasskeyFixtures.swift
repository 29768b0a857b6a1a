import Foundation
import Testing
import Vapor
import VaporTesting
import WebAuthnTestSupport
@testable import Portier

/// Passkey ceremonies through Portier's JSON endpoints, answered by a software authenticator the
/// way a browser would, with the origin of `PORTIER_BASE_URL`.
enum PasskeyFixtures {
    static let optionsPath = "/kundavdelning/sakerhet/losennycklar/alternativ"
    static let registerPath = "/kundavdelning/sakerhet/losennycklar"
    static let loginOptionsPath = "/logga-in/losennyckel/alternativ"
    static let loginPath = "/logga-in/losennyckel"

    static func origin(_ context: TestContext) -> String {
        let url = context.app.portier.configuration.baseURL
        return url.scheme! + "://" + url.host! + (url.port.map { ":\($0)" } ?? "")
    }

    static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any])
    }

    /// The options for adding a key (the browser is on Säkerhet, logged in).
    static func registrationOptions(_ browser: TestBrowser, name: String = "Min telefon", password: String? = nil) async throws -> TestingHTTPResponse {
        try await browser.get("/kundavdelning/sakerhet")
        var body: [String: Any] = ["name": name]
        if let password { body["current_password"] = password }
        return try await browser.postJSON(optionsPath, body)
    }

    /// Adds `authenticator` as a passkey named `name`; returns the finishing response.
    @discardableResult
    static func register(
        _ context: TestContext, _ browser: TestBrowser, _ authenticator: SoftwareAuthenticator,
        name: String = "Min telefon", tampering: SoftwareAuthenticator.Tampering = .init()
    ) async throws -> TestingHTTPResponse {
        let options = try await registrationOptions(browser, name: name)
        #expect(options.status == .ok, "\(options.body.string)")
        let credential = authenticator.register(options: try json(options), origin: origin(context), tampering: tampering)
        return try await browser.postJSON(registerPath, ["name": name, "credential": credential])
    }

    /// Logs in with `authenticator` from the login page; returns the finishing response.
    @discardableResult
    static func logIn(
        _ context: TestContext, _ browser: TestBrowser, _ authenticator: SoftwareAuthenticator,
        tampering: SoftwareAuthenticator.Tampering = .init(), next: String? = nil
    ) async throws -> TestingHTTPResponse {
        try await browser.get("/logga-in")
        let options = try await browser.postJSON(loginOptionsPath, [:])
        #expect(options.status == .ok, "\(options.body.string)")
        let credential = authenticator.assert(options: try json(options), origin: origin(context), tampering: tampering)
        var body: [String: Any] = ["credential": credential]
        if let next { body["next"] = next }
        return try await browser.postJSON(loginPath, body)
    }

    /// A customer logged in with the password, with `authenticator` registered as "Min telefon".
    static func customerWithPasskey(_ context: TestContext, email: String = "kund@example.se") async throws -> (TestBrowser, SoftwareAuthenticator) {
        try await Fixtures.customer(context.app, email: email)
        let browser = TestBrowser(app: context.app)
        try await browser.logIn(email: email, password: Fixtures.password)
        let authenticator = SoftwareAuthenticator()
        let registered = try await register(context, browser, authenticator)
        #expect(registered.status == .ok, "\(registered.body.string)")
        return (browser, authenticator)
    }

    /// The localized message of a refusal.
    static func error(_ response: TestingHTTPResponse) throws -> String {
        try #require(try json(response)["error"] as? String)
    }

    static func message(_ context: TestContext, _ key: String) -> String {
        context.app.catalogs.string(key, language: .swedish)
    }
}
