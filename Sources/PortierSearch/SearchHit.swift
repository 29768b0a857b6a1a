/// A guide found by a search, best first in the array `SearchIndex.search` returns.
public struct SearchHit: Sendable, Hashable {
    /// The `SearchDocument.id` of the guide.
    public let id: String
    /// Relevance within this one result list; only comparable between hits of the same query.
    public let score: Double
    /// The index terms (stems, in the index's normal form) that matched in this guide. Give them
    /// back to `SearchIndex.highlights(_:in:language:)` to mark the matching words of a snippet.
    public let matchedTerms: Set<String>
    /// Whether the guide was found only through a typo correction of at least one query word;
    /// the app can then show "Menade du …?" with `SearchIndex.didYouMean(_:language:)`.
    public let isCorrected: Bool
}
