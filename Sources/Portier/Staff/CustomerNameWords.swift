import Fluent
import Foundation
import SQLKit

/// The staff search's index of customer names (`customer_name_words`): for every word of a name,
/// the name from that word on, so that a prefix range read finds any word's beginning ("kund",
/// "kar") and runs of words ("karin ku") of "Karin Kund" — the WHMCS behaviour — without a
/// table scan or `LIKE '%…%'`. Kept in step by `CustomerSearchKeys` on every save of a
/// customer, filled for existing customers by `CreateCustomerNameWords`.
enum CustomerNameWords {
    static let schema = "customer_name_words"
    static let keyIndex = "customer_name_words_key_idx"
    /// Names are at most 100 characters; past the tenth word a word is found only as part of a run.
    static let maximumWords = 10

    /// Letters of their own in Swedish, never folded to a, o.
    private static let keptLetters: Set<Character> = ["å", "ä", "ö"]

    /// How a name and a name query are compared: lower-cased; accents dropped (é → e, ü → u)
    /// except on å, ä, ö; anything that is neither a letter nor a digit (hyphens, dots,
    /// apostrophes, &) is a word break; single spaces. "Anna-Karin Öhmán" → "anna karin öhman".
    static func key(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for character in text.lowercased().precomposedStringWithCanonicalMapping {
            if keptLetters.contains(character) {
                folded.append(contentsOf: String(character).precomposedStringWithCanonicalMapping.unicodeScalars)
                continue
            }
            for scalar in String(character).decomposedStringWithCanonicalMapping.unicodeScalars {
                switch scalar.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    continue
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .decimalNumber, .letterNumber, .otherNumber:
                    folded.append(scalar)
                default:
                    folded.append(" ")
                }
            }
        }
        return String(folded).split(separator: " ").joined(separator: " ")
    }

    /// The rows a name gets: the folded name from each of its first `maximumWords` words on.
    static func words(of name: String) -> [String] {
        let parts = key(name).split(separator: " ")
        return parts.indices.prefix(maximumWords).map { parts[$0...].joined(separator: " ") }
    }

    /// Makes the customer's rows those of `name` (nothing is written when they already are).
    static func keep(customerID: UUID, name: String, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let wanted = words(of: name)
        let stored = try await sql.raw("SELECT word_key FROM \(ident: schema) WHERE customer_id = \(bind: customerID)").all()
            .map { try $0.decode(column: "word_key", as: String.self) }
        guard Set(stored) != Set(wanted) else { return }
        try await sql.raw("DELETE FROM \(ident: schema) WHERE customer_id = \(bind: customerID)").run()
        try await insert(wanted.map { (customerID, $0) }, on: sql)
    }

    /// Rebuilds every customer's rows, a thousand customers per statement (the migration; also
    /// usable to repair the table).
    static func rebuildAll(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DELETE FROM \(ident: schema)").run()
        var after: UUID?
        while true {
            var statement: SQLQueryString = "SELECT id, name FROM customers"
            if let after {
                statement.appendLiteral(" WHERE id > ")
                statement.appendInterpolation(bind: after)
            }
            statement.appendLiteral(" ORDER BY id LIMIT 1000")
            let rows = try await sql.raw(statement).all()
            guard !rows.isEmpty else { return }
            var batch: [(UUID, String)] = []
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                batch += words(of: try row.decode(column: "name", as: String.self)).map { (id, $0) }
                after = id
            }
            try await insert(batch, on: sql)
        }
    }

    private static func insert(_ rows: [(UUID, String)], on sql: any SQLDatabase) async throws {
        // 500 rows (1,000 parameters) per statement, well within both databases' limits.
        for start in stride(from: 0, to: rows.count, by: 500) {
            var insert = sql.insert(into: schema).columns("customer_id", "word_key")
            for (id, word) in rows[start..<min(start + 500, rows.count)] {
                insert = insert.values(SQLBind(id), SQLBind(word))
            }
            try await insert.ignoringConflicts().run()
        }
    }
}
