import Crypto
import Fluent
import Foundation
import PortierWebAuthn

/// Passkeys for any subject (customer, or a staff member once the staff area asks): options for
/// the browser's two ceremonies, their verification with `PortierWebAuthn`, and the keys' names.
/// Challenges are single use (`PasskeyChallenge.claim`), counters are checked by the UPDATE that
/// stores them. Methods that only check take the database to read; the caller writes the new key,
/// its e-mail and its audit event in one transaction.
struct PasskeyService: Sendable {
    /// A subject's account as the authenticator shows it.
    struct Account: Sendable {
        let subject: SecondFactorSubject
        /// Tells accounts apart in the browser's list, e.g. the e-mail address.
        let name: String
        let displayName: String
    }

    /// A sign-in that passed every check.
    struct SignIn: Sendable {
        let credential: PasskeyCredential
        let subject: SecondFactorSubject
    }

    let relyingParty: RelyingParty
    let secret: ServerSecret
    let clock: any AppClock
    let random: any RandomSource

    // MARK: Keys

    func keys(for subject: SecondFactorSubject, on database: any Database) async throws -> [PasskeyCredential] {
        try await PasskeyCredential.query(for: subject, on: database).sort(\.$createdAt).all()
    }

    func key(_ id: UUID, of subject: SecondFactorSubject, on database: any Database) async throws -> PasskeyCredential {
        guard let key = try await PasskeyCredential.query(for: subject, on: database).filter(\.$id == id).first() else {
            throw PasskeyError.notFound
        }
        return key
    }

    /// The WebAuthn user handle of `subject`: 32 bytes derived from the server secret, so it
    /// says nothing about the account and is the same for each of its keys.
    func userHandle(for subject: SecondFactorSubject) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: Data(subject.binding.utf8), using: secret.key(for: "passkey-user-handle"))
        return Array(code)
    }

    /// A name typed for a key, trimmed; throws when empty, too long or holding control characters.
    static func validatedName(_ raw: String?) throws -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw PasskeyError.nameMissing }
        guard name.count <= PasskeyCredential.maximumNameLength else { throw PasskeyError.nameTooLong }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw PasskeyError.nameInvalid
        }
        return name
    }

    // MARK: Registration

    /// Options for `navigator.credentials.create()`, with a new challenge bound to `account`.
    func registrationOptions(for account: Account, on database: any Database) async throws -> PublicKeyCredentialCreationOptions {
        let existing = try await keys(for: account.subject, on: database)
        guard existing.count < PasskeyCredential.maximumPerSubject else { throw PasskeyError.tooManyKeys }
        let challenge = try await issueChallenge(.registration, subject: account.subject, on: database)
        return PublicKeyCredentialCreationOptions(
            challenge: challenge,
            relyingParty: relyingParty,
            user: UserEntity(id: userHandle(for: account.subject), name: account.name, displayName: account.displayName),
            excludeCredentials: existing.compactMap { key in
                PortierWebAuthn.Base64URL.decode(key.credentialID).map { CredentialDescriptor(id: $0, transports: key.transportList) }
            },
            timeout: Int(PasskeyChallenge.lifetime * 1000)
        )
    }

    /// Checks the browser's answer to `registrationOptions` (spending its challenge whatever the
    /// outcome) and returns the key to store.
    func verifyRegistration(_ credential: RegistrationCredentialJSON, name: String, for subject: SecondFactorSubject, on database: any Database) async throws -> PasskeyCredential {
        let challenge = try Self.challenge(in: credential.response.clientDataJSON.bytes)
        guard try await PasskeyChallenge.claim(challenge, ceremony: .registration, subject: subject, at: clock.now(), on: database) else {
            throw PasskeyError.challengeInvalid
        }
        let registered: RegisteredCredential
        do throws(WebAuthnError) {
            registered = try relyingParty.verifyRegistration(credential, expectedChallenge: challenge, requireUserVerification: true)
        } catch {
            throw PasskeyError.verificationFailed(error)
        }
        if try await PasskeyCredential.find(credentialID: registered.id, on: database) != nil {
            throw PasskeyError.alreadyRegistered
        }
        return PasskeyCredential(
            subject: subject, credentialID: registered.id, publicKey: registered.publicKey,
            algorithm: registered.algorithm.rawValue, signCount: registered.signCount,
            userHandle: userHandle(for: subject), name: name, transports: credential.response.transports,
            isBackupEligible: registered.isBackupEligible, createdAt: clock.now()
        )
    }

    /// Stores `key` (from `verifyRegistration`) unless its owner holds
    /// ``PasskeyCredential/maximumPerSubject`` keys already. The count is taken inside the
    /// transaction that inserts, after locking the owner — PostgreSQL: the owner's row
    /// `FOR UPDATE`; SQLite: the write lock `transactionTakingSQLiteWriteLock` takes first — so
    /// two registrations at 19 keys cannot both pass (the options' check alone could not see the
    /// other). `alongside` writes in the same transaction (the mail, the audit event). A credential
    /// ID stored meanwhile by anyone is ``PasskeyError/alreadyRegistered``.
    func store(_ key: PasskeyCredential, on database: any Database, alongside: @escaping @Sendable (any Database) async throws -> Void) async throws {
        let subject = key.subject
        do {
            try await database.transactionTakingSQLiteWriteLock { transaction in
                try await PasskeyCredential.lockOwner(subject, on: transaction)
                let held = try await PasskeyCredential.query(for: subject, on: transaction).count()
                guard held < PasskeyCredential.maximumPerSubject else { throw PasskeyError.tooManyKeys }
                try await key.create(on: transaction)
                try await alongside(transaction)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw PasskeyError.alreadyRegistered
        }
    }

    // MARK: Sign-in

    /// Options for `navigator.credentials.get()`: no key list, the browser offers the passkeys it has.
    func authenticationOptions(on database: any Database) async throws -> PublicKeyCredentialRequestOptions {
        let challenge = try await issueChallenge(.authentication, subject: nil, on: database)
        return PublicKeyCredentialRequestOptions(challenge: challenge, relyingParty: relyingParty, timeout: Int(PasskeyChallenge.lifetime * 1000))
    }

    /// Checks a sign-in of a `kind` subject (spending its challenge whatever the outcome) and
    /// stores the key's new counter and use. A counter that did not advance marks the key
    /// possibly cloned (``PasskeyError/counterWentBackwards``, with the key in `refusedKey`).
    func verifyAuthentication(_ response: AuthenticationCredentialJSON, kind: SessionSubjectKind, on database: any Database, refusedKey: inout PasskeyCredential?) async throws -> SignIn {
        let now = clock.now()
        let challenge = try Self.challenge(in: response.response.clientDataJSON.bytes)
        guard try await PasskeyChallenge.claim(challenge, ceremony: .authentication, subject: nil, at: now, on: database) else {
            throw PasskeyError.challengeInvalid
        }
        guard let key = try await PasskeyCredential.find(credentialID: response.rawId.bytes, on: database), key.subjectKind == kind,
              let keyID = key.id else {
            throw PasskeyError.unknownCredential
        }
        refusedKey = key
        guard !key.isPossiblyCloned else { throw PasskeyError.possiblyCloned }
        if let handle = response.response.userHandle, PasskeyCredential.encodedID(handle.bytes) != key.userHandle {
            throw PasskeyError.verificationFailed(.malformed("userHandle does not belong to the credential"))
        }
        let verified: VerifiedAuthentication
        do throws(WebAuthnError) {
            verified = try relyingParty.verifyAuthentication(
                response, expectedChallenge: challenge,
                credential: StoredCredential(publicKey: Array(key.publicKey), signCount: UInt32(clamping: key.signCount)),
                requireUserVerification: true
            )
        } catch {
            if case .counterWentBackwards = error {
                try await markPossiblyCloned(key, at: now, on: database)
                throw PasskeyError.counterWentBackwards
            }
            throw PasskeyError.verificationFailed(error)
        }
        // A second sign-in with the same counter that raced this one loses here.
        guard try await PasskeyCredential.recordUse(keyID, signCount: verified.newSignCount, at: now, on: database) else {
            try await markPossiblyCloned(key, at: now, on: database)
            throw PasskeyError.counterWentBackwards
        }
        key.signCount = Int64(verified.newSignCount)
        key.lastUsedAt = now
        return SignIn(credential: key, subject: key.subject)
    }

    private func markPossiblyCloned(_ key: PasskeyCredential, at now: Date, on database: any Database) async throws {
        key.possiblyClonedAt = now
        try await PasskeyCredential.query(on: database).filter(\.$id == key.id!).set(\.$possiblyClonedAt, to: now).update()
    }

    // MARK: Challenges

    private func issueChallenge(_ ceremony: PasskeyChallenge.Ceremony, subject: SecondFactorSubject?, on database: any Database) async throws -> [UInt8] {
        let challenge = random.bytes(count: PasskeyChallenge.byteCount)
        precondition(challenge.count >= Challenge.minimumByteCount)
        try await PasskeyChallenge(challenge: challenge, ceremony: ceremony, subject: subject, now: clock.now()).create(on: database)
        return challenge
    }

    /// The challenge the browser put into `clientDataJSON` (checked again by the verification).
    static func challenge(in clientDataJSON: [UInt8]) throws -> [UInt8] {
        guard let clientData = try? CollectedClientData(json: clientDataJSON),
              let challenge = PortierWebAuthn.Base64URL.decode(clientData.challenge), !challenge.isEmpty else {
            throw PasskeyError.malformedRequest
        }
        return challenge
    }
}

extension PasskeyCredential {
    var transportList: [String]? {
        transports.map { $0.split(separator: ",").map(String.init) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
