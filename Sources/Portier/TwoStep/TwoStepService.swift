import Fluent
import Foundation

/// Two-step verification for any subject (customer or staff member): setting up an authenticator
/// app, checking codes (TOTP, or a backup code once), replacing the backup codes and turning it
/// off. Every method that writes takes the `database` to write on, so callers put the change,
/// its e-mail and its audit event in one transaction.
public struct TwoStepService: Sendable {
    /// 160 bits, the HMAC-SHA1 block-friendly length RFC 4226 recommends.
    public static let secretByteCount = 20

    public enum Verification: Equatable, Sendable {
        case authenticatorCode
        case backupCode(remaining: Int)
    }

    /// A set-up in progress: the secret the subject's app is to learn.
    public struct Enrolment: Sendable {
        public let secret: [UInt8]
        public var base32: String { Base32.encode(secret) }
        /// The secret in groups of four characters, as a person copies it.
        public var groupedBase32: String {
            var groups: [String] = []
            var rest = Substring(base32)
            while !rest.isEmpty {
                groups.append(String(rest.prefix(4)))
                rest = rest.dropFirst(4)
            }
            return groups.joined(separator: " ")
        }

        /// `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` (Google Authenticator's key URI format).
        public func uri(issuer: String, account: String) -> String {
            let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(account)
            return "otpauth://totp/\(label)?secret=\(base32)&issuer=\(Self.percentEncoded(issuer))&algorithm=SHA1&digits=6&period=30"
        }

        private static func percentEncoded(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
    }

    let secretBox: SecondFactorSecretBox
    let backupCodes: BackupCodeHasher
    let clock: any AppClock
    let random: any RandomSource

    public init(secret: ServerSecret, clock: any AppClock, random: any RandomSource) {
        secretBox = SecondFactorSecretBox(secret: secret)
        backupCodes = BackupCodeHasher(secret: secret)
        self.clock = clock
        self.random = random
    }

    // MARK: State

    public func isEnabled(for subject: SecondFactorSubject, on database: any Database) async throws -> Bool {
        try await TOTPCredential.find(for: subject, on: database)?.isConfirmed == true
    }

    public func remainingBackupCodes(for subject: SecondFactorSubject, on database: any Database) async throws -> Int {
        try await BackupCode.remaining(for: subject, on: database)
    }

    /// The set-up in progress, if the subject started one and has not confirmed it yet.
    public func pendingEnrolment(for subject: SecondFactorSubject, on database: any Database) async throws -> Enrolment? {
        guard let credential = try await TOTPCredential.find(for: subject, on: database), !credential.isConfirmed else { return nil }
        return Enrolment(secret: try secretBox.open(credential.sealedSecret, for: subject))
    }

    // MARK: Turning on

    /// Starts a set-up with a new secret (replacing an unconfirmed one).
    /// - Throws: ``TwoStepError/alreadyEnabled``.
    @discardableResult
    public func beginEnrolment(for subject: SecondFactorSubject, on database: any Database) async throws -> Enrolment {
        let secret = random.bytes(count: Self.secretByteCount)
        let sealed = try secretBox.seal(secret, for: subject)
        let now = clock.now()
        try await database.transactionTakingSQLiteWriteLock { database in
            if let existing = try await TOTPCredential.find(for: subject, on: database) {
                guard !existing.isConfirmed else { throw TwoStepError.alreadyEnabled }
                try await existing.delete(on: database)
            }
            try await TOTPCredential(subject: subject, sealedSecret: sealed, createdAt: now).create(on: database)
        }
        return Enrolment(secret: secret)
    }

    /// Turns two-step verification on when `code` is the app's current code, and issues the first
    /// backup codes.
    /// - Returns: The backup codes, in plain text for this once.
    /// - Throws: ``TwoStepError/noPendingEnrolment``, `.codeMissing`, `.codeInvalid`.
    public func confirmEnrolment(for subject: SecondFactorSubject, code: String, on database: any Database) async throws -> [String] {
        guard let credential = try await TOTPCredential.find(for: subject, on: database), !credential.isConfirmed else {
            throw TwoStepError.noPendingEnrolment
        }
        try await claimAuthenticatorCode(code, credential: credential, on: database)
        credential.confirmedAt = clock.now()
        try await credential.update(on: database)
        return try await replaceBackupCodesUnchecked(for: subject, on: database)
    }

    // MARK: Checking a code

    /// Accepts `code` once: the authenticator's code (a step later than any used before), or an
    /// unused backup code, which is then spent.
    /// - Throws: ``TwoStepError/notEnabled``, `.codeMissing`, `.codeInvalid`.
    public func verify(_ code: String, for subject: SecondFactorSubject, on database: any Database) async throws -> Verification {
        guard let credential = try await TOTPCredential.find(for: subject, on: database), credential.isConfirmed else {
            throw TwoStepError.notEnabled
        }
        let typed = code.filter { !$0.isWhitespace }
        guard !typed.isEmpty else { throw TwoStepError.codeMissing }
        if typed.count == 6, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) {
            try await claimAuthenticatorCode(typed, credential: credential, on: database)
            return .authenticatorCode
        }
        guard let normalized = BackupCodeHasher.normalized(typed),
              try await BackupCode.claim(codeHashes: backupCodes.candidateHashes(normalized, for: subject), of: subject, at: clock.now(), on: database) else {
            throw TwoStepError.codeInvalid
        }
        return .backupCode(remaining: try await BackupCode.remaining(for: subject, on: database))
    }

    private func claimAuthenticatorCode(_ code: String, credential: TOTPCredential, on database: any Database) async throws {
        let typed = code.filter { !$0.isWhitespace }
        guard !typed.isEmpty else { throw TwoStepError.codeMissing }
        let opened = try secretBox.opened(credential.sealedSecret, for: credential.subject)
        guard let step = TOTPGenerator(secret: opened.secret).matchingStep(for: typed, at: clock.now(), after: credential.lastUsedStep),
              try await TOTPCredential.claim(step: step, of: try credential.requireID(), on: database) else {
            throw TwoStepError.codeInvalid
        }
        credential.lastUsedStep = step
        if opened.isSealedUnderRetiredKey {
            // After a key rotation: seal it under the current key, so the retired one can go.
            credential.sealedSecret = try secretBox.seal(opened.secret, for: credential.subject)
            try await credential.save(on: database)
        }
    }

    // MARK: Changes

    /// A new set of backup codes; the old set stops working.
    /// - Throws: ``TwoStepError/notEnabled``.
    public func replaceBackupCodes(for subject: SecondFactorSubject, on database: any Database) async throws -> [String] {
        guard try await isEnabled(for: subject, on: database) else { throw TwoStepError.notEnabled }
        return try await replaceBackupCodesUnchecked(for: subject, on: database)
    }

    private func replaceBackupCodesUnchecked(for subject: SecondFactorSubject, on database: any Database) async throws -> [String] {
        let now = clock.now()
        let codes = (0..<BackupCode.countPerSet).map { _ in BackupCodeHasher.makeCode(random: random) }
        try await BackupCode.query(for: subject, on: database).delete()
        for code in codes {
            let normalized = BackupCodeHasher.normalized(code) ?? code
            try await BackupCode(subject: subject, codeHash: backupCodes.hash(normalized, for: subject), createdAt: now).create(on: database)
        }
        return codes
    }

    /// Whether `codes` are all unused backup codes of `subject` (for the download of a set just shown).
    public func areUnusedBackupCodes(_ codes: [String], for subject: SecondFactorSubject, on database: any Database) async throws -> Bool {
        let hashes = codes.compactMap { BackupCodeHasher.normalized($0).map { backupCodes.hash($0, for: subject) } }
        guard !hashes.isEmpty, hashes.count == codes.count else { return false }
        let found = try await BackupCode.query(for: subject, on: database).filter(\.$usedAt == nil).filter(\.$codeHash ~~ hashes).count()
        return found == Set(hashes).count
    }

    /// Turns two-step verification off: the secret and every backup code are deleted.
    public func disable(for subject: SecondFactorSubject, on database: any Database) async throws {
        try await TOTPCredential.query(on: database)
            .filter(\.$subjectKind == subject.kind)
            .filter(\.$subjectID == subject.id)
            .delete()
        try await BackupCode.query(for: subject, on: database).delete()
    }
}
