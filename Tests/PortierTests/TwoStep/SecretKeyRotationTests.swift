import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// `PORTIER_SECRET_KEY_PREVIOUS`: after a key rotation, what the old key made — sealed TOTP
/// secrets, backup-code hashes, device cookies — still works, and TOTP secrets move to the new key.
@Suite("Two-step: rotating PORTIER_SECRET_KEY")
struct SecretKeyRotationTests {
    private static let oldKey = ServerSecret(bytes: Array(repeating: 7, count: ServerSecret.minimumByteCount))
    private static let newKey = ServerSecret(bytes: Array(repeating: 9, count: ServerSecret.minimumByteCount))

    @Test("A secret sealed under a retired key opens, and is sealed again under the new key at the next code")
    func totpMovesToNewKey() async throws {
        try await withPortierApp { context in
            let subject = SecondFactorSubject.customer(UUID())
            let before = TwoStepService(secret: Self.oldKey, clock: context.clock, random: SystemRandomSource())
            let enrolment = try await before.beginEnrolment(for: subject, on: context.app.db)
            let codes = try await before.confirmEnrolment(for: subject, code: TOTPGenerator(secret: enrolment.secret).code(at: context.clock.now()), on: context.app.db)

            let newOnly = TwoStepService(secret: Self.newKey, clock: context.clock, random: SystemRandomSource())
            let rotated = TwoStepService(secret: Self.newKey.retiring([Self.oldKey]), clock: context.clock, random: SystemRandomSource())
            context.clock.advance(by: 30)
            let code = TOTPGenerator(secret: enrolment.secret).code(at: context.clock.now())
            // Without the old key the secret does not open; with it, the code is accepted.
            await #expect(throws: TwoStepError.secretUnreadable) { try await newOnly.verify(code, for: subject, on: context.app.db) }
            let verification = try await rotated.verify(code, for: subject, on: context.app.db)
            #expect(verification == .authenticatorCode)

            // Now sealed under the new key: the new key alone opens it.
            context.clock.advance(by: 30)
            let next = TOTPGenerator(secret: enrolment.secret).code(at: context.clock.now())
            let afterwards = try await newOnly.verify(next, for: subject, on: context.app.db)
            #expect(afterwards == .authenticatorCode)
            // Backup codes hashed under the old key are still good once, with the old key retired.
            let backup = try await rotated.verify(codes[0], for: subject, on: context.app.db)
            #expect(backup == .backupCode(remaining: 9))
            await #expect(throws: TwoStepError.codeInvalid) { try await rotated.verify(codes[0], for: subject, on: context.app.db) }
            await #expect(throws: TwoStepError.codeInvalid) { try await newOnly.verify(codes[1], for: subject, on: context.app.db) }
        }
    }

    @Test("Device cookies signed by a retired key verify; new ones are signed with the new key")
    func deviceCookies() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let cookie = DeviceCookie(subjectID: UUID(), deviceID: "device-1", issuedAt: now)
        let old = DeviceCookieSigner(secret: Self.oldKey).makeValue(for: cookie)
        #expect(DeviceCookieSigner(secret: Self.newKey).cookie(from: old, now: now) == nil)
        #expect(DeviceCookieSigner(secret: Self.newKey.retiring([Self.oldKey])).cookie(from: old, now: now)?.deviceID == "device-1")
        let new = DeviceCookieSigner(secret: Self.newKey.retiring([Self.oldKey])).makeValue(for: cookie)
        #expect(DeviceCookieSigner(secret: Self.newKey).cookie(from: new, now: now)?.deviceID == "device-1")
    }

    @Test("A changed key without the old one: the customer reads whom to ask, the log says what to do, nothing crashes")
    func changedKeyWithoutPrevious() async throws {
        LogCapture.install()
        try await withPortierApp { context in
            try await Fixtures.customer(context.app)
            let enabled = try await TwoStepFixtures.enable(context, browser: TestBrowser(app: context.app))
            context.app.serverSecret = Self.newKey

            let browser = TestBrowser(app: context.app)
            let login = try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(login.headers.first(name: .location)?.hasPrefix("/logga-in/kod") == true)
            try await browser.get("/logga-in/kod")
            let page = try await browser.post("/logga-in/kod", ["code": enabled.code(at: context.clock.now())])

            #expect(page.status == .internalServerError)
            #expect(page.body.string.contains("Kontakta supporten, så hjälper vi dig att logga in."))
            #expect(!LogCapture.lines(containing: "PORTIER_SECRET_KEY_PREVIOUS").isEmpty)
            // Only the session that turned two-step on is a full one; the second login is not.
            let fullSessions = try await AuthSession.query(on: context.app.db).filter(\.$secondFactorDueAt == nil).count()
            #expect(fullSessions == 1)
        }
    }
}
