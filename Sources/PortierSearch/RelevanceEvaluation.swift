import Foundation

/// The relevance sets of `tests/search/relevance.<language>.tsv`: queries a customer would type,
/// each with the guides a person would want, and the figures search quality is measured by
/// (shared by the relevance test and `bench/search-quality`).
public struct RelevanceSet: Sendable {
    public struct Case: Sendable, Hashable {
        public let query: String
        /// Acceptable slugs; the first is the one a person would most want.
        public let expected: [String]
    }

    public let cases: [Case]

    /// `query<TAB>slug[,other-acceptable-slug]` per line; `#` lines and empty lines are skipped.
    public init(parsing text: String) {
        cases = text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let columns = line.split(separator: "\t", maxSplits: 1)
            guard columns.count == 2 else { return nil }
            let expected = columns[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let query = columns[0].trimmingCharacters(in: .whitespaces)
            return query.isEmpty || expected.isEmpty ? nil : Case(query: query, expected: expected)
        }
    }

    public init(contentsOf url: URL) throws {
        self.init(parsing: try String(contentsOf: url, encoding: .utf8))
    }

    /// Searches every query and measures where the first acceptable guide lands.
    public func evaluate(with index: SearchIndex, language: SearchLanguage) -> RelevanceReport {
        let results = cases.map { testCase in
            let found = index.search(testCase.query, language: language, limit: 10).map(\.id)
            let rank = found.firstIndex { testCase.expected.contains($0) }.map { $0 + 1 }
            return RelevanceReport.Result(query: testCase.query, expected: testCase.expected, found: found, rank: rank)
        }
        return RelevanceReport(language: language, results: results)
    }
}

/// Top-1, top-3 and mean reciprocal rank of a relevance set.
public struct RelevanceReport: Sendable {
    public struct Result: Sendable {
        public let query: String
        public let expected: [String]
        /// The first ten ids found.
        public let found: [String]
        /// 1-based rank of the first acceptable guide, nil when it is not in the first ten.
        public let rank: Int?
    }

    public let language: SearchLanguage
    public let results: [Result]

    /// Share of queries whose first result is acceptable (0…1).
    public var topOne: Double { share { $0 == 1 } }
    /// Share of queries with an acceptable guide among the first three (0…1).
    public var topThree: Double { share { $0 <= 3 } }
    public var meanReciprocalRank: Double {
        results.isEmpty ? 0 : results.reduce(0) { $0 + ($1.rank.map { 1 / Double($0) } ?? 0) } / Double(results.count)
    }
    /// Queries whose first result is not acceptable.
    public var misses: [Result] { results.filter { $0.rank != 1 } }

    public var summary: String {
        String(format: "%@: %d queries, top-1 %.1f %%, top-3 %.1f %%, MRR %.3f",
               language.rawValue, results.count, topOne * 100, topThree * 100, meanReciprocalRank)
    }

    /// One line per query not found first: rank, query, wanted, found.
    public var missDescriptions: [String] {
        misses.map { result in
            let rank = result.rank.map { "#\($0)" } ?? "--"
            return "  \(rank) \"\(result.query)\" wants \(result.expected.joined(separator: "|")), got \(result.found.prefix(3).joined(separator: ", "))"
        }
    }

    private func share(_ accepted: (Int) -> Bool) -> Double {
        results.isEmpty ? 0 : Double(results.filter { $0.rank.map(accepted) ?? false }.count) / Double(results.count)
    }
}
