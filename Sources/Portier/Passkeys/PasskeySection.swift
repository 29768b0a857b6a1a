import Foundation
import Vapor

/// Säkerhet's "Lösennycklar" section: the customer's keys (name, added, last used, a warning on a
/// key that may have been copied) with their rename and remove forms, and what adding one needs.
struct PasskeySection: Encodable {
    let keys: [KeyView]
    /// The login is older than ten minutes: adding a key asks for the password.
    let needsPassword: Bool
    let canAddMore: Bool
    let hasPossiblyClonedKey: Bool
    let maximumNameLength = PasskeyCredential.maximumNameLength

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

    static func make(_ request: Request, _ authenticated: AuthenticatedCustomer, format: AreaFormatter, error: PasskeyFormError?) async throws -> PasskeySection {
        let subject = try SecondFactorSubject.customer(authenticated.customer)
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
                renamePath: SiteURL.passkey(.value(id), .rename).path,
                removePath: SiteURL.passkey(.value(id), .remove).path,
                renameError: problem?.rename,
                removeError: problem?.remove
            )
        }
        return PasskeySection(
            keys: views,
            needsPassword: !PasskeysController.isFresh(authenticated.session, now: request.portier.clock.now()),
            canAddMore: keys.count < PasskeyCredential.maximumPerSubject,
            hasPossiblyClonedKey: keys.contains(where: \.isPossiblyCloned)
        )
    }
}
