import Fluent
import Foundation

/// One visitor's answer to "Hjälpte den här guiden dig?". The visitor is an anonymous cookie,
/// stored hashed; a second vote from the same visitor replaces the first.
public final class GuideVote: Model, @unchecked Sendable {
    public static let schema = "guide_votes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "guide_id") public var guide: Guide
    @Field(key: "voter_hash") public var voterHash: String
    @Field(key: "is_helpful") public var isHelpful: Bool
    @OptionalField(key: "comment") public var comment: String?
    @Field(key: "voted_at") public var votedAt: Date

    public init() {}

    init(guideID: UUID, voterHash: String, isHelpful: Bool, votedAt: Date) {
        self.$guide.id = guideID
        self.voterHash = voterHash
        self.isHelpful = isHelpful
        self.votedAt = votedAt
    }
}

/// A search that found nothing: what readers look for and the guides do not answer yet.
public final class UnansweredSearch: Model, @unchecked Sendable {
    public static let schema = "help_unanswered_searches"

    @ID(key: .id) public var id: UUID?
    @Field(key: "language") public var language: String
    @Field(key: "query") public var query: String
    @Field(key: "search_count") public var searchCount: Int
    @Field(key: "last_searched_at") public var lastSearchedAt: Date

    public init() {}

    init(language: String, query: String, at date: Date) {
        self.language = language
        self.query = query
        self.searchCount = 1
        self.lastSearchedAt = date
    }
}
