import Fluent
import SQLKit

/// Staff logout and disabling a staff member end the customer sessions that member started
/// ("Logga in som kunden"): found by `impersonator_staff_id`, so it gets an index.
struct UpdateAuthSessionAddImpersonatorIndex: AsyncMigration {
    static let index = "auth_sessions_impersonator_staff_id_idx"

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: Self.index).on(AuthSession.schema).column("impersonator_staff_id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: Self.index).ifExists().run()
    }
}
