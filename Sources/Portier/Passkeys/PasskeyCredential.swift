import Fluent
import Foundation
import SQLKit

/// One passkey (WebAuthn public-key credential) of a subject — a customer, or later a staff
/// member: the credential ID (unique across every account), its COSE public key, the last
/// signature counter, the name the owner gave it, and when it was added and last used. A key
/// whose counter went backwards is marked possibly cloned and signs nobody in any more.
public final class PasskeyCredential: Model, @unchecked Sendable {
    public static let schema = "passkey_credentials"
    /// Keys one account may hold.
    public static let maximumPerSubject = 20
    /// Longest name, in characters.
    public static let maximumNameLength = 60

    @ID(key: .id) public var id: UUID?
    @Enum(key: "subject_kind") public var subjectKind: SessionSubjectKind
    @Field(key: "subject_id") public var subjectID: UUID
    /// The credential ID as unpadded base64url (unique).
    @Field(key: "credential_id") public var credentialID: String
    /// The COSE_Key bytes from the registration.
    @Field(key: "public_key") public var publicKey: Data
    @Field(key: "algorithm") public var algorithm: Int
    @Field(key: "sign_count") public var signCount: Int64
    /// The WebAuthn user handle given at registration (base64url), checked at sign-in.
    @Field(key: "user_handle") public var userHandle: String
    @Field(key: "name") public var name: String
    /// The authenticator's transport hints (`internal,hybrid`), for `excludeCredentials`.
    @OptionalField(key: "transports") public var transports: String?
    @Field(key: "is_backup_eligible") public var isBackupEligible: Bool
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    /// Set when a sign-in came with a counter that did not advance (WebAuthn §7.2 step 21).
    @OptionalField(key: "possibly_cloned_at") public var possiblyClonedAt: Date?

    public init() {}

    init(subject: SecondFactorSubject, credentialID: [UInt8], publicKey: [UInt8], algorithm: Int, signCount: UInt32,
         userHandle: [UInt8], name: String, transports: [String]?, isBackupEligible: Bool, createdAt: Date) {
        self.subjectKind = subject.kind
        self.subjectID = subject.id
        self.credentialID = PasskeyCredential.encodedID(credentialID)
        self.publicKey = Data(publicKey)
        self.algorithm = algorithm
        self.signCount = Int64(signCount)
        self.userHandle = PasskeyCredential.encodedID(userHandle)
        self.name = name
        self.transports = transports.map { Array($0.prefix(8)).map { String($0.prefix(32)) }.joined(separator: ",") }
        self.isBackupEligible = isBackupEligible
        self.createdAt = createdAt
    }

    var subject: SecondFactorSubject { SecondFactorSubject(kind: subjectKind, id: subjectID) }
    public var isPossiblyCloned: Bool { possiblyClonedAt != nil }

    /// Credential IDs and user handles are stored as unpadded base64url.
    static func encodedID(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }
}

extension PasskeyCredential {
    static func query(for subject: SecondFactorSubject, on database: any Database) -> QueryBuilder<PasskeyCredential> {
        PasskeyCredential.query(on: database)
            .filter(\.$subjectKind == subject.kind)
            .filter(\.$subjectID == subject.id)
    }

    /// Locks the row of the key's owner (customer or staff member) until the transaction ends, on
    /// PostgreSQL; on SQLite the transaction's write lock already keeps other writers out.
    static func lockOwner(_ subject: SecondFactorSubject, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name != "sqlite" else { return }
        let table = switch subject.kind {
        case .customer: Customer.schema
        case .staff: StaffMember.schema
        }
        _ = try await sql.select().column("id").from(table).where("id", .equal, subject.id).for(.update).all()
    }

    static func find(credentialID: [UInt8], on database: any Database) async throws -> PasskeyCredential? {
        try await PasskeyCredential.query(on: database).filter(\.$credentialID == encodedID(credentialID)).first()
    }

    /// Stores the counter of a sign-in and when it happened — only while the stored counter is
    /// still below it (or both are 0, for authenticators without a counter), checked by the
    /// UPDATE itself so two sign-ins with the same counter cannot both pass.
    static func recordUse(_ id: UUID, signCount: UInt32, at now: Date, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        let count = Int64(signCount)
        let rows = try await sql.update(schema)
            .set("sign_count", to: count)
            .set("last_used_at", to: now)
            .where("id", .equal, id)
            .where("possibly_cloned_at", .is, SQLLiteral.null)
            .where(SQLGroupExpression(SQLBinaryExpression(
                SQLBinaryExpression(SQLColumn("sign_count"), .lessThan, SQLBind(count)),
                .or,
                SQLBinaryExpression(SQLBind(count), .equal, SQLLiteral.numeric("0"))
            )))
            .returning("id")
            .all()
        return !rows.isEmpty
    }
}
