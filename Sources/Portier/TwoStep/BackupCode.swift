import Crypto
import Fluent
import Foundation
import SQLKit

/// A reservkod: one of ten single-use codes for when the authenticator app is not at hand.
/// Only an HMAC-SHA256 of the code (keyed from `PORTIER_SECRET_KEY`, bound to the subject) is
/// stored: the codes have 50 bits, and a key the database does not hold keeps a leaked table from
/// being searched offline.
public final class BackupCode: Model, @unchecked Sendable {
    public static let schema = "backup_codes"
    public static let countPerSet = 10

    @ID(key: .id) public var id: UUID?
    @Enum(key: "subject_kind") public var subjectKind: SessionSubjectKind
    @Field(key: "subject_id") public var subjectID: UUID
    @Field(key: "code_hash") public var codeHash: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    init(subject: SecondFactorSubject, codeHash: String, createdAt: Date) {
        self.subjectKind = subject.kind
        self.subjectID = subject.id
        self.codeHash = codeHash
        self.createdAt = createdAt
    }
}

/// Makes, normalises and hashes backup codes: ten characters of Crockford's base32
/// (`0–9a–z` without `i l o u`), shown as `xxxxx-xxxxx`. Typing is forgiving: case, spaces and
/// hyphens do not matter, and `o`, `i`, `l` read as `0`, `1`, `1`.
public struct BackupCodeHasher: Sendable {
    static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
    static let length = 10

    /// The current key first, then retired ones (codes made before a key rotation still work).
    private let keys: [SymmetricKey]

    public init(secret: ServerSecret) {
        keys = secret.keys(for: "backup-code")
    }

    /// A new code from `random` (5 bits per character from each byte: no modulo bias).
    static func makeCode(random: any RandomSource) -> String {
        let characters = random.bytes(count: length).map { alphabet[Int($0 & 0x1F)] }
        return String(characters.prefix(5)) + "-" + String(characters.suffix(5))
    }

    /// The code as stored and compared, or nil when `text` cannot be a backup code.
    static func normalized(_ text: String) -> String? {
        var result = ""
        for character in text.lowercased() where character != " " && character != "-" {
            switch character {
            case "o": result.append("0")
            case "i", "l": result.append("1")
            default:
                guard alphabet.contains(character) else { return nil }
                result.append(character)
            }
        }
        return result.count == length ? result : nil
    }

    /// The stored form of a new code: under the current key.
    func hash(_ normalizedCode: String, for subject: SecondFactorSubject) -> String {
        Self.hash(normalizedCode, for: subject, key: keys[0])
    }

    /// Every form a stored code may have: under the current key and each retired one.
    func candidateHashes(_ normalizedCode: String, for subject: SecondFactorSubject) -> [String] {
        keys.map { Self.hash(normalizedCode, for: subject, key: $0) }
    }

    private static func hash(_ normalizedCode: String, for subject: SecondFactorSubject, key: SymmetricKey) -> String {
        let message = Array((subject.binding + ":" + normalizedCode).utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: key).map { String(format: "%02x", $0) }.joined()
    }
}

extension BackupCode {
    static func query(for subject: SecondFactorSubject, on database: any Database) -> QueryBuilder<BackupCode> {
        BackupCode.query(on: database)
            .filter(\.$subjectKind == subject.kind)
            .filter(\.$subjectID == subject.id)
    }

    static func remaining(for subject: SecondFactorSubject, on database: any Database) async throws -> Int {
        try await query(for: subject, on: database).filter(\.$usedAt == nil).count()
    }

    /// Marks the unused code with `codeHash` used; false when there is none (checked by the UPDATE
    /// itself, so a code cannot be spent twice by two requests at once).
    static func claim(codeHashes: [String], of subject: SecondFactorSubject, at now: Date, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase, !codeHashes.isEmpty else { return false }
        let rows = try await sql.raw("""
            UPDATE \(ident: schema) SET used_at = \(bind: now)
            WHERE subject_kind = \(bind: subject.kind.rawValue) AND subject_id = \(bind: subject.id)
              AND code_hash IN (\(binds: codeHashes)) AND used_at IS NULL
            RETURNING id
            """).all()
        return !rows.isEmpty
    }
}
