import Foundation

/// Whose second factor: a customer or a staff member, by id. The TOTP, backup-code and
/// secret-encryption services know nothing else about the account, so the staff area uses them
/// as they are.
public struct SecondFactorSubject: Hashable, Sendable {
    public let kind: SessionSubjectKind
    public let id: UUID

    public init(kind: SessionSubjectKind, id: UUID) {
        self.kind = kind
        self.id = id
    }

    public static func customer(_ id: UUID) -> SecondFactorSubject { SecondFactorSubject(kind: .customer, id: id) }
    public static func staff(_ id: UUID) -> SecondFactorSubject { SecondFactorSubject(kind: .staff, id: id) }

    /// `customer:<uuid>`: bound into ciphertexts and code hashes, so a row copied to another
    /// account opens nothing there.
    var binding: String { kind.rawValue + ":" + id.uuidString.lowercased() }
}
