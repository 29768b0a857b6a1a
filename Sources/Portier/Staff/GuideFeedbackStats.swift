import Fluent
import Foundation

/// What readers made of the guides within a period (`/personal/feedback` and its CSV files):
/// views per day, yes/no votes and "vad saknades?" comments per guide, and the searches that
/// found nothing, the most frequent first.
struct GuideFeedbackStats: Sendable {
    /// A period of whole days in Stockholm, both ends included.
    struct Period: Equatable, Sendable {
        static let maximumDays = 366
        static let defaultDays = 30

        let first: CalendarDay
        let last: CalendarDay

        var dayCount: Int { first.days(until: last) + 1 }
        var days: [CalendarDay] { (0..<dayCount).map { first.adding(days: $0) } }
        var startDate: Date { first.startDate }
        var endDate: Date { last.adding(days: 1).startDate }

        /// The last `defaultDays` days up to `today`.
        static func standard(endingOn today: CalendarDay) -> Period {
            Period(first: today.adding(days: -(defaultDays - 1)), last: today)
        }

        enum Problem: Error, Equatable {
            case invalidDate
            case reversed
            case tooLong

            var catalogKey: String {
                switch self {
                case .invalidDate: "staff.feedback.error.invalid_date"
                case .reversed: "staff.feedback.error.reversed"
                case .tooLong: "staff.feedback.error.too_long"
                }
            }
        }

        /// From the form's `fran` and `till` (`YYYY-MM-DD`); missing values take the standard period's.
        static func parse(from: String?, to: String?, today: CalendarDay) -> Result<Period, Problem> {
            let standard = standard(endingOn: today)
            let fromText = from?.trimmingCharacters(in: .whitespaces) ?? ""
            let toText = to?.trimmingCharacters(in: .whitespaces) ?? ""
            guard let first = fromText.isEmpty ? standard.first : CalendarDay(iso: fromText),
                  let last = toText.isEmpty ? standard.last : CalendarDay(iso: toText) else {
                return .failure(.invalidDate)
            }
            guard first <= last else { return .failure(.reversed) }
            let period = Period(first: first, last: last)
            guard period.dayCount <= maximumDays else { return .failure(.tooLong) }
            return .success(period)
        }
    }

    struct GuideRow: Sendable {
        let guide: Guide
        let viewsByDay: [Int]
        let helpful: Int
        let notHelpful: Int
        let comments: [(date: Date, text: String)]

        var views: Int { viewsByDay.reduce(0, +) }
    }

    let database: any Database

    /// Every guide (published or not) with its numbers for `period`, the most viewed first.
    func guides(in period: Period) async throws -> [GuideRow] {
        let guides = try await Guide.query(on: database).with(\.$category).all()
        let dayRows = try await GuideViewDay.query(on: database)
            .filter(\.$day >= period.first.iso).filter(\.$day <= period.last.iso)
            .all()
        let dayIndex = Dictionary(uniqueKeysWithValues: period.days.enumerated().map { ($1.iso, $0) })
        var views: [UUID: [Int]] = [:]
        for row in dayRows {
            guard let index = dayIndex[row.day] else { continue }
            views[row.$guide.id, default: Array(repeating: 0, count: period.dayCount)][index] += row.viewCount
        }
        let votes = try await GuideVote.query(on: database)
            .filter(\.$votedAt >= period.startDate).filter(\.$votedAt < period.endDate)
            .sort(\.$votedAt, .descending)
            .all()
        var helpful: [UUID: Int] = [:], notHelpful: [UUID: Int] = [:]
        var comments: [UUID: [(Date, String)]] = [:]
        for vote in votes {
            let id = vote.$guide.id
            if vote.isHelpful { helpful[id, default: 0] += 1 } else { notHelpful[id, default: 0] += 1 }
            if let comment = vote.comment, !comment.isEmpty { comments[id, default: []].append((vote.votedAt, comment)) }
        }
        let rows = try guides.map { guide in
            let id = try guide.requireID()
            return GuideRow(
                guide: guide, viewsByDay: views[id] ?? Array(repeating: 0, count: period.dayCount),
                helpful: helpful[id] ?? 0, notHelpful: notHelpful[id] ?? 0,
                comments: (comments[id] ?? []).map { (date: $0.0, text: $0.1) }
            )
        }
        return rows.sorted { ($1.views, $0.guide.language, $0.guide.title) < ($0.views, $1.guide.language, $1.guide.title) }
    }

    /// Searches that found nothing, last searched within `period`, the most frequent first.
    func unansweredSearches(in period: Period, limit: Int = 200) async throws -> [UnansweredSearch] {
        try await UnansweredSearch.query(on: database)
            .filter(\.$lastSearchedAt >= period.startDate).filter(\.$lastSearchedAt < period.endDate)
            .sort(\.$searchCount, .descending).sort(\.$lastSearchedAt, .descending)
            .limit(limit)
            .all()
    }
}
