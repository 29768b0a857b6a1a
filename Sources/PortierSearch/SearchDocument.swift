/// One guide as the search index sees it: the fields it is found by, in falling order of
/// weight (title, keywords, headings, body), and the popularity figures that only ever break
/// ties between equally relevant guides.
public struct SearchDocument: Sendable, Hashable {
    /// What the app identifies the guide by; returned in `SearchHit.id` (a slug or a UUID string).
    public var id: String
    public var language: SearchLanguage
    public var title: String
    public var keywords: [String]
    public var headings: [String]
    /// Plain text, without Markdown syntax.
    public var body: String
    public var views: Int
    public var yesVotes: Int

    public init(
        id: String,
        language: SearchLanguage,
        title: String,
        keywords: [String] = [],
        headings: [String] = [],
        body: String = "",
        views: Int = 0,
        yesVotes: Int = 0
    ) {
        self.id = id
        self.language = language
        self.title = title
        self.keywords = keywords
        self.headings = headings
        self.body = body
        self.views = views
        self.yesVotes = yesVotes
    }
}
