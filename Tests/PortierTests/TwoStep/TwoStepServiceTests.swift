import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Two-step: service (secrets, codes, backup codes)")
struct TwoStepServiceTests {
    private func service(_ context: TestContext) -> TwoStepService {
        TwoStepService(secret: context.app.serverSecret, clock: context.clock, random: SystemRandomSource())
    }

    /// A subject with two-step verification on; returns its secret and first backup codes.
    private func enabled(_ context: TestContext, subject: SecondFactorSubject) async throws -> (secret: [UInt8], backupCodes: [String]) {
        let service = service(context)
        let enrolment = try await service.beginEnrolment(for: subject, on: context.app.db)
        let code = TOTPGenerator(secret: enrolment.secret).code(at: context.clock.now())
        let codes = try await service.confirmEnrolment(for: subject, code: code, on: context.app.db)
        return (enrolment.secret, codes)
    }

    @Test("Enrolment is confirmed only by the app's current code, and then issues ten backup codes")
    func enrolment() async throws {
        try await withPortierApp { context in
            let service = service(context)
            let subject = SecondFactorSubject.staff(UUID())   // no row needed: keyed by kind and id
            let enrolment = try await service.beginEnrolment(for: subject, on: context.app.db)
            #expect(try await service.isEnabled(for: subject, on: context.app.db) == false)
            #expect(try await service.pendingEnrolment(for: subject, on: context.app.db)?.secret == enrolment.secret)

            await #expect(throws: TwoStepError.codeInvalid) {
                try await service.confirmEnrolment(for: subject, code: TwoStepFixtures.wrongCode(secret: enrolment.secret, at: context.clock.now()), on: context.app.db)
            }
            let codes = try await service.confirmEnrolment(for: subject, code: TOTPGenerator(secret: enrolment.secret).code(at: context.clock.now()), on: context.app.db)

            #expect(codes.count == 10)
            #expect(Set(codes).count == 10)
            #expect(codes.allSatisfy { $0.range(of: #"^[0-9a-z]{5}-[0-9a-z]{5}$"#, options: .regularExpression) != nil })
            #expect(try await service.isEnabled(for: subject, on: context.app.db))
            #expect(try await service.remainingBackupCodes(for: subject, on: context.app.db) == 10)
            #expect(try await service.pendingEnrolment(for: subject, on: context.app.db) == nil)
            await #expect(throws: TwoStepError.alreadyEnabled) { try await service.beginEnrolment(for: subject, on: context.app.db) }
        }
    }

    @Test("A code is accepted once: the same code again, or an older one, is refused")
    func replay() async throws {
        try await withPortierApp { context in
            let service = service(context)
            let subject = SecondFactorSubject.customer(UUID())
            let (secret, _) = try await enabled(context, subject: subject)
            let generator = TOTPGenerator(secret: secret)
            // The enrolment used the current step; the next step's code is accepted (±1), once.
            context.clock.advance(by: 30)
            let code = generator.code(at: context.clock.now())
            #expect(try await service.verify(code, for: subject, on: context.app.db) == .authenticatorCode)
            await #expect(throws: TwoStepError.codeInvalid) { try await service.verify(code, for: subject, on: context.app.db) }
            // Still within the window, but older than the step used.
            let previous = generator.code(forStep: TOTPGenerator.step(at: context.clock.now()) - 1)
            await #expect(throws: TwoStepError.codeInvalid) { try await service.verify(previous, for: subject, on: context.app.db) }
            // The next step is fine.
            context.clock.advance(by: 30)
            #expect(try await service.verify(generator.code(at: context.clock.now()), for: subject, on: context.app.db) == .authenticatorCode)
        }
    }

    @Test("Codes one step early or late pass; two steps away do not")
    func clockDrift() async throws {
        try await withPortierApp { context in
            let service = service(context)
            let subject = SecondFactorSubject.customer(UUID())
            let (secret, _) = try await enabled(context, subject: subject)
            let generator = TOTPGenerator(secret: secret)
            context.clock.advance(by: 10 * 30)
            let step = TOTPGenerator.step(at: context.clock.now())
            await #expect(throws: TwoStepError.codeInvalid) {
                try await service.verify(generator.code(forStep: step - 2), for: subject, on: context.app.db)
            }
            #expect(try await service.verify(generator.code(forStep: step - 1), for: subject, on: context.app.db) == .authenticatorCode)
            #expect(try await service.verify(generator.code(forStep: step + 1), for: subject, on: context.app.db) == .authenticatorCode)
            await #expect(throws: TwoStepError.codeInvalid) {
                try await service.verify(generator.code(forStep: step + 3), for: subject, on: context.app.db)
            }
        }
    }

    @Test("Each backup code works once, in any case and with spaces; a new set voids the old one")
    func backupCodes() async throws {
        try await withPortierApp { context in
            let service = service(context)
            let subject = SecondFactorSubject.customer(UUID())
            let (_, codes) = try await enabled(context, subject: subject)

            #expect(try await service.verify(codes[0], for: subject, on: context.app.db) == .backupCode(remaining: 9))
            await #expect(throws: TwoStepError.codeInvalid) { try await service.verify(codes[0], for: subject, on: context.app.db) }
            let typed = " " + codes[1].uppercased().replacingOccurrences(of: "-", with: " ") + " "
            #expect(try await service.verify(typed, for: subject, on: context.app.db) == .backupCode(remaining: 8))
            #expect(try await service.remainingBackupCodes(for: subject, on: context.app.db) == 8)

            let newCodes = try await service.replaceBackupCodes(for: subject, on: context.app.db)
            #expect(Set(newCodes).isDisjoint(with: codes))
            await #expect(throws: TwoStepError.codeInvalid) { try await service.verify(codes[2], for: subject, on: context.app.db) }
            #expect(try await service.remainingBackupCodes(for: subject, on: context.app.db) == 10)
            #expect(try await service.verify(newCodes[9], for: subject, on: context.app.db) == .backupCode(remaining: 9))

            // One subject's code is nothing for another.
            let other = SecondFactorSubject.staff(subject.id)
            _ = try await enabled(context, subject: other)
            await #expect(throws: TwoStepError.codeInvalid) { try await service.verify(newCodes[0], for: other, on: context.app.db) }
        }
    }

    @Test("Secrets are stored encrypted and bound to their subject; backup codes only as keyed hashes")
    func storage() async throws {
        try await withPortierApp { context in
            let subject = SecondFactorSubject.customer(UUID())
            let (secret, codes) = try await enabled(context, subject: subject)
            let row = try #require(try await TOTPCredential.find(for: subject, on: context.app.db))

            #expect(!row.sealedSecret.contains(Base32.encode(secret)))
            #expect(!row.sealedSecret.contains(Data(secret).base64EncodedString()))
            let box = SecondFactorSecretBox(secret: context.app.serverSecret)
            #expect(try box.open(row.sealedSecret, for: subject) == secret)
            #expect(throws: TwoStepError.secretUnreadable) { try box.open(row.sealedSecret, for: .customer(UUID())) }
            let otherKey = SecondFactorSecretBox(secret: ServerSecret(bytes: Array(repeating: 9, count: 32)))
            #expect(throws: TwoStepError.secretUnreadable) { try otherKey.open(row.sealedSecret, for: subject) }

            let hashes = try await BackupCode.query(on: context.app.db).all().map(\.codeHash)
            #expect(hashes.count == 10)
            for code in codes {
                let normalized = try #require(BackupCodeHasher.normalized(code))
                #expect(!hashes.contains(normalized))
                #expect(!hashes.contains(TokenDigest.sha256Hex(normalized)))
            }
        }
    }

    @Test("Turning off deletes the secret and every backup code")
    func disable() async throws {
        try await withPortierApp { context in
            let service = service(context)
            let subject = SecondFactorSubject.customer(UUID())
            _ = try await enabled(context, subject: subject)

            try await service.disable(for: subject, on: context.app.db)

            #expect(try await service.isEnabled(for: subject, on: context.app.db) == false)
            #expect(try await TOTPCredential.query(on: context.app.db).count() == 0)
            #expect(try await BackupCode.query(on: context.app.db).count() == 0)
            await #expect(throws: TwoStepError.notEnabled) { try await service.verify("123456", for: subject, on: context.app.db) }
        }
    }
}
