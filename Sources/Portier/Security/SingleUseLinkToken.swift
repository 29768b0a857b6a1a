import Fluent
import Foundation
import SQLKit

/// A link token stored as a row with `expires_at`, `used_at` and `revoked_at` (reset links, staff
/// set-password links, e-mail confirmations): one usability rule and one claim for all of them.
protocol SingleUseLinkToken: Model {
    var expiresAt: Date { get }
    var usedAt: Date? { get }
    var revokedAt: Date? { get }
}

extension SingleUseLinkToken {
    /// Neither used nor revoked, and not expired at `now`.
    func isUsable(at now: Date) -> Bool {
        usedAt == nil && revokedAt == nil && now < expiresAt
    }

    /// Marks an open link used; `false` when it was used or revoked meanwhile (checked by the
    /// UPDATE itself, so two concurrent uses cannot both succeed).
    static func claim(_ id: UUID, at now: Date, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        let claimed = try await sql.update(schema)
            .set("used_at", to: now)
            .where("id", .equal, id)
            .where("used_at", .is, SQLLiteral.null)
            .where("revoked_at", .is, SQLLiteral.null)
            .returning("id")
            .all()
        return !claimed.isEmpty
    }
}
