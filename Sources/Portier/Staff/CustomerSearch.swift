import Fluent
import Foundation
import SQLKit

/// The staff search over customers (`/personal/kunder?q=…`). What is typed decides what is
/// searched, each an index range read (see `UpdateCustomerAddNumberAndSearchKeys`):
/// - digits only (`10042`, `#10042`): the customer number and the invoice number, exactly;
/// - with an `@`: the beginning of the e-mail address;
/// - anything else: the beginning of any word of the name ("kund", "kar" and "karin ku" find
///   "Karin Kund"; compared folded, see `CustomerNameWords.key`), of the e-mail address and
///   (without spaces) of a service's domain name.
/// Results are ordered by the matched text, then the customer id, and paged by that key (keyset
/// paging: the next page starts after the last row shown, no OFFSET). Each kind is read from its
/// own index in that order, at most one page + 1 rows each, and the kinds are merged here. A
/// customer whose name matches is not listed again for the e-mail address, nor either for a domain.
struct CustomerSearch {
    static let pageSize = 20
    static let maximumQueryLength = 200

    enum Field: String, Encodable, Sendable {
        case name, email, domain, customerNumber = "customer_number", invoiceNumber = "invoice_number"
    }

    /// Where a page starts: after this matched text and customer id.
    struct Cursor: Equatable, Sendable {
        let key: String
        let customerID: UUID

        /// An opaque token for the "next page" link (base64url of key + LF + id).
        var token: String {
            Data((key + "\n" + customerID.uuidString).utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        init(key: String, customerID: UUID) {
            self.key = key
            self.customerID = customerID
        }

        /// nil for anything that is not a token made by `token`.
        init?(token: String) {
            guard token.count <= 2 * CustomerSearch.maximumQueryLength + 100 else { return nil }
            var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
                  let newline = text.lastIndex(of: "\n"), let id = UUID(uuidString: String(text[text.index(after: newline)...])) else {
                return nil
            }
            self.key = String(text[..<newline])
            self.customerID = id
        }
    }

    struct Match: Equatable, Sendable {
        let customerID: UUID
        let field: Field
        /// The text that matched (the folded name from the matching word on, the address, the
        /// domain, the number).
        let key: String
    }

    struct Page: Sendable {
        let matches: [Match]
        /// Where the next page starts; nil on the last page.
        let next: Cursor?
    }

    let database: any Database

    /// `COLLATE "C"` on PostgreSQL (byte-wise, like SQLite's default), nothing on SQLite.
    static func collation(_ sql: any SQLDatabase) -> String {
        sql.dialect.name == "postgresql" ? #" COLLATE "C""# : ""
    }

    /// The trimmed, lower-cased query; nil when there is nothing to search for.
    static func normalized(_ query: String?) -> String? {
        guard let query else { return nil }
        let key = Customer.searchKey(String(query.prefix(maximumQueryLength)))
        return key.isEmpty ? nil : key
    }

    func search(_ rawQuery: String, after cursor: Cursor? = nil, pageSize: Int = CustomerSearch.pageSize) async throws -> Page {
        guard let query = Self.normalized(rawQuery), let sql = database as? any SQLDatabase else { return Page(matches: [], next: nil) }
        var digits = query
        if digits.hasPrefix("#") { digits.removeFirst() }
        if !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) {
            return try await numberMatches(number, after: cursor)
        }
        var found: [Match] = []
        let limit = pageSize + 1
        // The name's words are compared folded (`CustomerNameWords.key`); an address never is a name.
        let nameQuery = query.contains("@") ? "" : CustomerNameWords.key(query)
        let names: NameExclusion? = nameQuery.isEmpty ? nil : NameExclusion(query: nameQuery)
        if let names {
            found += try await prefixMatches(sql, field: .name, query: nameQuery, after: cursor, limit: limit, names: nil)
        }
        found += try await prefixMatches(sql, field: .email, query: query, after: cursor, limit: limit, names: names)
        if !query.contains("@"), !query.contains(" ") {
            found += try await prefixMatches(sql, field: .domain, query: query, after: cursor, limit: limit, names: names)
        }
        let ordered = found.sorted { ($0.key, $0.customerID.uuidString) < ($1.key, $1.customerID.uuidString) }
        let page = Array(ordered.prefix(pageSize))
        let next = ordered.count > pageSize ? page.last.map { Cursor(key: $0.key, customerID: $0.customerID) } : nil
        return Page(matches: page, next: next)
    }

    /// Exact customer and invoice numbers: at most two rows, one page.
    private func numberMatches(_ number: Int, after cursor: Cursor?) async throws -> Page {
        guard cursor == nil else { return Page(matches: [], next: nil) }
        var matches: [Match] = []
        if let customer = try await Customer.query(on: database).filter(\.$number == number).first(), let id = customer.id {
            matches.append(Match(customerID: id, field: .customerNumber, key: String(number)))
        }
        if let invoice = try await Invoice.query(on: database).filter(\.$number == number).first() {
            matches.append(Match(customerID: invoice.$customer.id, field: .invoiceNumber, key: String(number)))
        }
        return Page(matches: matches, next: nil)
    }

    /// Customers listed by a word of their name, left out of the e-mail and domain kinds.
    private struct NameExclusion {
        let query: String
    }

    /// `[query, query + U+10FFFF)`: exactly the keys that start with `query` (byte-wise order).
    private static func upperBound(_ query: String) -> String { query + "\u{10FFFF}" }

    /// One kind of prefix match, read in key order from its index.
    private func prefixMatches(
        _ sql: any SQLDatabase, field: Field, query: String, after cursor: Cursor?, limit: Int, names: NameExclusion?
    ) async throws -> [Match] {
        let collate = Self.collation(sql)
        // A customer is listed under the first kind that matches: name, then e-mail, then domain;
        // and by name only once, under the first of its words that matches.
        let (table, idColumn, keyExpression, distinct): (String, String, String, String) = switch field {
        case .name: ("customer_name_words AS w", "w.customer_id", "w.word_key", "")
        case .email: ("customers", "customers.id", "customers.email", "")
        default: ("services JOIN customers ON customers.id = services.customer_id", "services.customer_id", "lower(services.domain)", "DISTINCT ")
        }
        let key = keyExpression + collate
        let upper = Self.upperBound(query)
        var statement: SQLQueryString = "SELECT \(unsafeRaw: distinct)\(unsafeRaw: key) AS k, \(unsafeRaw: idColumn) AS customer_id FROM \(unsafeRaw: table) WHERE "
        if field == .name {
            // Not when an earlier word of the same name matches too (a probe of the primary key).
            statement.appendLiteral("NOT EXISTS (SELECT 1 FROM customer_name_words AS o WHERE o.customer_id = w.customer_id AND o.word_key\(collate) >= ")
            statement.appendInterpolation(bind: query)
            statement.appendLiteral(" AND o.word_key\(collate) < w.word_key\(collate)) AND ")
        }
        if let names {
            statement.appendLiteral("NOT EXISTS (SELECT 1 FROM customer_name_words AS o WHERE o.customer_id = customers.id AND o.word_key\(collate) >= ")
            statement.appendInterpolation(bind: names.query)
            statement.appendLiteral(" AND o.word_key\(collate) < ")
            statement.appendInterpolation(bind: Self.upperBound(names.query))
            statement.appendLiteral(") AND ")
        }
        if field == .domain {
            let email = "customers.email" + collate
            statement.appendLiteral("NOT (\(email) >= ")
            statement.appendInterpolation(bind: query)
            statement.appendLiteral(" AND \(email) < ")
            statement.appendInterpolation(bind: upper)
            statement.appendLiteral(") AND ")
        }
        if let cursor, cursor.key >= query {
            statement.appendInterpolation(unsafeRaw: key)
            statement.appendLiteral(" >= ")
            statement.appendInterpolation(bind: cursor.key)
            statement.appendLiteral(" AND (")
            statement.appendInterpolation(unsafeRaw: key)
            statement.appendLiteral(" > ")
            statement.appendInterpolation(bind: cursor.key)
            statement.appendLiteral(" OR \(idColumn) > ")
            statement.appendInterpolation(bind: cursor.customerID)
            statement.appendLiteral(")")
        } else {
            statement.appendInterpolation(unsafeRaw: key)
            statement.appendLiteral(" >= ")
            statement.appendInterpolation(bind: query)
        }
        statement.appendLiteral(" AND ")
        statement.appendInterpolation(unsafeRaw: key)
        statement.appendLiteral(" < ")
        statement.appendInterpolation(bind: upper)
        statement.appendLiteral(" ORDER BY \(key), \(idColumn) LIMIT \(limit)")
        return try await sql.raw(statement).all().map { row in
            Match(customerID: try row.decode(column: "customer_id", as: UUID.self), field: field, key: try row.decode(column: "k", as: String.self))
        }
    }
}
