import Foundation
import Vapor

/// The "Lösennycklar" section of Säkerhet (customers) and Mitt konto (staff): the owner's keys
/// (name, added, last used, a warning on a key that may have been copied) with their rename and
/// remove forms, what adding one needs, and where the page's script and forms post.
struct PasskeySection: Encodable {
    let keys: [KeyView]
    /// The login is older than ten minutes: adding a key asks for the password.
    let needsPassword: Bool
    let canAddMore: Bool
    let hasPossiblyClonedKey: Bool
    let maximumNameLength = PasskeyCredential.maximumNameLength
    /// The JSON endpoints of adding a key (`data-options`, `data-finish`).
    let optionsPath: String
    let finishPath: String
    /// The catalog key of "this device has a key for your account already".
    let existsMessageKey: String

    struct KeyView: Encodable {
        let id: String
        let name: String
        let added: DateTimeView
        let lastUsed: DateTimeView?
        let isPossiblyCloned: Bool
        let renamePath: String
        let removePath: String
        let renameError: String?
        let removeError: String?
    }

    /// Where one kind of owner's forms go.
    struct Paths: Sendable {
        let options: SitePath
        let finish: SitePath
        let rename: @Sendable (UUID) -> String
        let remove: @Sendable (UUID) -> String
        let existsMessageKey: String

        static let customer = Paths(
            options: .passkeyOptions, finish: .passkeys, rename: { SiteURL.passkey(.value($0), .rename).path }, remove: { SiteURL.passkey(.value($0), .remove).path },
            existsMessageKey: "passkeys.js.exists"
        )
        static let staff = Paths(
            options: .staffPasskeyOptions, finish: .staffPasskeys, rename: { SiteURL.staffPasskey(.value($0), .rename).path }, remove: { SiteURL.staffPasskey(.value($0), .remove).path },
            existsMessageKey: "staff.passkeys.js.exists"
        )
    }

    static func make(_ request: Request, _ authenticated: AuthenticatedCustomer, format: AreaFormatter, error: PasskeyFormError?) async throws -> PasskeySection {
        try await make(request, subject: .customer(authenticated.customer), session: authenticated.session, paths: .customer, format: format, error: error)
    }

    static func make(_ request: Request, subject: SecondFactorSubject, session: AuthSession, paths: Paths, format: AreaFormatter, error: PasskeyFormError?) async throws -> PasskeySection {
        let keys = try await request.passkeys.keys(for: subject, on: request.db)
        let views = try keys.map { key in
            let id = try key.requireID()
            let problem = error?.keyID == id ? error : nil
            return KeyView(
                id: id.uuidString.lowercased(),
                name: key.name,
                added: DateTimeView(key.createdAt, format),
                lastUsed: key.lastUsedAt.map { DateTimeView($0, format) },
                isPossiblyCloned: key.isPossiblyCloned,
                renamePath: paths.rename(id),
                removePath: paths.remove(id),
                renameError: problem?.rename,
                removeError: problem?.remove
            )
        }
        return PasskeySection(
            keys: views,
            needsPassword: !PasskeysController.isFresh(session, now: request.portier.clock.now()),
            canAddMore: keys.count < PasskeyCredential.maximumPerSubject,
            hasPossiblyClonedKey: keys.contains(where: \.isPossiblyCloned),
            optionsPath: paths.options.path,
            finishPath: paths.finish.path,
            existsMessageKey: paths.existsMessageKey
        )
    }
}
