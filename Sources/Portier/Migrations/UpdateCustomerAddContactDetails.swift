import Fluent

/// Kontaktuppgifter: organisation or personal number, postal address and phone, all optional
/// for existing customers.
struct UpdateCustomerAddContactDetails: AsyncMigration {
    static let fields = ["identity_number", "street_address", "postal_code", "city", "country_code", "phone"]

    func prepare(on database: any Database) async throws {
        // One ALTER per column: SQLite adds a single column per statement.
        for field in Self.fields {
            try await database.schema(Customer.schema).field(FieldKey.string(field), .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for field in Self.fields.reversed() {
            try await database.schema(Customer.schema).deleteField(FieldKey.string(field)).update()
        }
    }
}
