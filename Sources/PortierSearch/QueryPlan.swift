/// What a query asks for, after analysis: one term per meaningful word, each with the ways a
/// guide can satisfy it. Ranking then only has to look postings up.
struct QueryPlan: Sendable {
    /// An indexed stem and how much finding it is worth relative to the word as typed.
    struct Choice: Sendable, Hashable {
        let stem: String
        let weight: Double
    }

    /// One way of matching a term: every part must be found (one part for a word, several for a
    /// compound typed as one word), each part by any of its choices.
    struct Alternative: Sendable {
        let parts: [[Choice]]
        let weight: Double
        /// Found through a typo correction: such matches rank below matches of the words as typed.
        let isCorrected: Bool
    }

    enum Resolution: Sendable {
        /// Matched as typed, through a folded spelling or a synonym, or as its compound parts.
        case known
        /// Matched only after correcting a typo; the closest words, most used first.
        case corrected([String])
        case unknown
    }

    struct Term: Sendable {
        let word: QueryWord
        let alternatives: [Alternative]
        let resolution: Resolution
    }

    let words: [QueryWord]
    let terms: [Term]

    var stems: Set<String> {
        Set(terms.flatMap { $0.alternatives.flatMap { $0.parts.flatMap { $0.map(\.stem) } } })
    }
}

/// A word of the query: a token, or two tokens a visitor wrote apart that are one known word
/// ("e post", "mina sidor").
struct QueryWord: Sendable {
    let text: String
    let display: String
    /// The tokens it was joined from, when it was.
    let pieces: [String]
    let isStopWord: Bool
    let isAtEnd: Bool
}
