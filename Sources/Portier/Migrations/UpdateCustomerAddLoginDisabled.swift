import Fluent
import SQLKit

/// Staff can disable a customer's login (`/personal/kunder/{id}`): a disabled customer cannot log
/// in nor reset the password until it is enabled again.
struct UpdateCustomerAddLoginDisabled: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Customer.schema)
            .field("is_login_disabled", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Customer.schema)
            .deleteField("is_login_disabled")
            .update()
    }
}
