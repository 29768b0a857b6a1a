import Fluent
import Foundation
import SQLKit

/// The chat's figures for the staff area (`/personal/chatt`): chats started per day over the last
/// ``dayCount`` days (Stockholm days) and the median wait until a staff member accepted, computed
/// by the database. The same SQL runs on SQLite and PostgreSQL: the day boundaries are bound
/// values (one `SUM(CASE …)` per day, so the days are Stockholm's on both), and only the
/// difference of two timestamps is spelled per dialect (SQLite stores seconds since 1970).
struct ChatFigures: Sendable {
    static let dayCount = 14

    struct Summary: Sendable, Equatable {
        let days: [CalendarDay]
        let chatsPerDay: [Int]
        /// Chats of the period that a staff member accepted.
        let acceptedCount: Int
        /// Seconds from the chat's start until it was accepted; nil when none was.
        let medianWait: Double?

        var total: Int { chatsPerDay.reduce(0, +) }
    }

    let database: any Database

    /// The ``dayCount`` days up to and including `today`.
    func summary(endingOn today: CalendarDay) async throws -> Summary {
        guard let sql = database as? any SQLDatabase else {
            throw SQLiteAndPostgreSQLOnly()
        }
        let days = (0..<Self.dayCount).map { today.adding(days: $0 - (Self.dayCount - 1)) }
        let start = days[0].startDate
        let end = today.adding(days: 1).startDate

        var perDay: SQLQueryString = "SELECT "
        for (index, day) in days.enumerated() {
            let from = day.startDate, until = day.adding(days: 1).startDate
            if index > 0 { perDay += ", " }
            perDay += "COALESCE(SUM(CASE WHEN \(ident: "created_at") >= \(bind: from) AND \(ident: "created_at") < \(bind: until) THEN 1 ELSE 0 END), 0) AS \(ident: "d\(index)")"
        }
        perDay += " FROM \(ident: Chat.schema) WHERE \(ident: "created_at") >= \(bind: start) AND \(ident: "created_at") < \(bind: end)"
        let row = try await sql.raw(perDay).first()
        let counts = try days.indices.map { index in try row?.decode(column: "d\(index)", as: Int.self) ?? 0 }

        // The median: the middle one (or the two middle ones) of the accepted chats' waits, in order.
        let wait: SQLQueryString = sql.dialect.name == "postgresql"
            ? #"CAST(EXTRACT(EPOCH FROM ("accepted_at" - "created_at")) AS DOUBLE PRECISION)"#
            : #"("accepted_at" - "created_at")"#
        let period: SQLQueryString = " FROM \(ident: Chat.schema) WHERE \(ident: "accepted_at") IS NOT NULL AND \(ident: "created_at") >= \(bind: start) AND \(ident: "created_at") < \(bind: end)"
        var countQuery: SQLQueryString = #"SELECT COUNT(*) AS "n""#
        countQuery += period
        let acceptedCount = try await sql.raw(countQuery).first()?.decode(column: "n", as: Int.self) ?? 0
        var median: Double?
        if acceptedCount > 0 {
            var middleQuery: SQLQueryString = "SELECT "
            middleQuery += wait
            middleQuery += #" AS "wait""#
            middleQuery += period
            middleQuery += " ORDER BY "
            middleQuery += wait
            middleQuery += " LIMIT \(literal: acceptedCount % 2 == 0 ? 2 : 1) OFFSET \(literal: (acceptedCount - 1) / 2)"
            let middle = try await sql.raw(middleQuery).all().map { try $0.decode(column: "wait", as: Double.self) }
            median = middle.isEmpty ? nil : middle.reduce(0, +) / Double(middle.count)
        }
        return Summary(days: days, chatsPerDay: counts, acceptedCount: acceptedCount, medianWait: median)
    }

    struct SQLiteAndPostgreSQLOnly: Error {}
}
