import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Two-step verification set up through the real pages, and codes for tests.
enum TwoStepFixtures {
    struct Enabled {
        let secret: [UInt8]
        let backupCodes: [String]

        func code(at date: Date) -> String { TOTPGenerator(secret: secret).code(at: date) }
    }

    /// A six-digit code that matches no step within ±1 of `date`.
    static func wrongCode(secret: [UInt8], at date: Date) -> String {
        let generator = TOTPGenerator(secret: secret)
        let step = TOTPGenerator.step(at: date)
        let taken = Set((step - 1...step + 1).map { generator.code(forStep: $0) })
        return ["000000", "123456", "999999", "314159"].first { !taken.contains($0) }!
    }

    /// The secret shown on Säkerhet while setting up (`<code id="two-step-secret">ABCD EFGH …</code>`).
    static func secret(in page: String) -> [UInt8]? {
        guard let start = page.range(of: #"id="two-step-secret">"#),
              let end = page[start.upperBound...].range(of: "</code>") else { return nil }
        return Base32.decode(String(page[start.upperBound..<end.lowerBound]))
    }

    /// The backup codes listed on the page (`<ol … id="backup-codes"><li><code>…`).
    static func backupCodes(in page: String) -> [String] {
        guard let start = page.range(of: #"id="backup-codes">"#), let end = page[start.upperBound...].range(of: "</ol>") else { return [] }
        let list = String(page[start.upperBound..<end.lowerBound])
        return list.components(separatedBy: "<code>").dropFirst().compactMap { $0.components(separatedBy: "</code>").first }
    }

    /// Logs `browser` in (password only), turns two-step verification on through Säkerhet, and
    /// moves the clock on one step so the next code is a fresh one.
    static func enable(_ context: TestContext, browser: TestBrowser, email: String = "kund@example.se", password: String = Fixtures.password) async throws -> Enabled {
        try await browser.logIn(email: email, password: password)
        try await browser.get("/kundavdelning/sakerhet")
        let started = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering", [:])
        #expect(started.status == .seeOther)
        let page = try await browser.get("/kundavdelning/sakerhet")
        let secret = try #require(Self.secret(in: page.body.string))
        let confirmed = try await browser.post("/kundavdelning/sakerhet/tvastegsverifiering/bekrafta", ["code": TOTPGenerator(secret: secret).code(at: context.clock.now())])
        #expect(confirmed.status == .ok)
        let codes = Self.backupCodes(in: confirmed.body.string)
        #expect(codes.count == 10)
        context.clock.advance(by: 30)
        return Enabled(secret: secret, backupCodes: codes)
    }
}
