import Foundation
import Fluent
import SQLKit

/// The staff search (`/personal/kunder?q=…`): a customer number (unique, numbered from 10001 in
/// the order customers were created), the lower-cased name (`name_key`), and indexes so that every
/// kind of search is an index range read ordered like its keyset paging, never a table scan:
/// the name and e-mail prefixes, a service's domain prefix, and the customer number. PostgreSQL
/// compares the prefixes byte-wise (`COLLATE "C"`), whatever the database's locale, so a range
/// `[prefix, prefix + U+10FFFF)` is exactly "starts with"; SQLite's default collation already is.
/// Invoice numbers are unique (and indexed) since `CreateInvoice`.
struct UpdateCustomerAddNumberAndSearchKeys: AsyncMigration {
    static let firstNumber = 10001
    static let numberIndex = "customers_number_key"
    static let nameIndex = "customers_name_key_idx"
    static let emailIndex = "customers_email_search_idx"
    static let domainIndex = "services_domain_search_idx"

    func prepare(on database: any Database) async throws {
        // One ALTER per column: SQLite adds a single column per statement.
        try await database.schema(Customer.schema).field("number", .int64).update()
        try await database.schema(Customer.schema).field("name_key", .string).update()
        guard let sql = database as? any SQLDatabase else { return }
        // Existing customers in the order they were created.
        let rows = try await sql.raw("SELECT id, name FROM customers ORDER BY created_at, id").all()
        var number = Self.firstNumber
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let name = try row.decode(column: "name", as: String.self)
            try await sql.raw("UPDATE customers SET number = \(bind: number), name_key = \(bind: Customer.searchKey(name)) WHERE id = \(bind: id)").run()
            number += 1
        }
        try await sql.create(index: Self.numberIndex).unique().on(Customer.schema).column("number").run()
        let collate = CustomerSearch.collation(sql)
        try await sql.raw("CREATE INDEX \(ident: Self.nameIndex) ON customers (name_key\(unsafeRaw: collate), id)").run()
        try await sql.raw("CREATE INDEX \(ident: Self.emailIndex) ON customers (email\(unsafeRaw: collate), id)").run()
        try await sql.raw("CREATE INDEX \(ident: Self.domainIndex) ON services (lower(domain)\(unsafeRaw: collate), customer_id)").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            for index in [Self.numberIndex, Self.nameIndex, Self.emailIndex, Self.domainIndex] {
                try await sql.drop(index: index).ifExists().run()
            }
        }
        try await database.schema(Customer.schema).deleteField("name_key").update()
        try await database.schema(Customer.schema).deleteField("number").update()
    }
}
