import Fluent
import Foundation

/// One save of a guide in the browser editor: the whole guide as it was saved, who saved it and
/// when. Versions are never changed; restoring an older one saves it again as a new draft.
public final class GuideVersion: Model, @unchecked Sendable {
    public static let schema = "guide_versions"

    public enum State: String, Codable, Sendable {
        /// Saved without changing the public page.
        case draft
        /// Saved and published: the public page shows exactly this.
        case published

        var catalogKey: String { "staff.guides.state." + rawValue }
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "guide_id") public var guide: Guide
    /// 1, 2, 3, … per guide.
    @Field(key: "number") public var number: Int
    @Enum(key: "state") public var state: State
    @Field(key: "category_slug") public var categorySlug: String
    @Field(key: "slug") public var slug: String
    @Field(key: "title") public var title: String
    @Field(key: "sort_order") public var sortOrder: Int
    /// Comma-separated, like `Guide.keywords`.
    @Field(key: "keywords") public var keywords: String
    /// Comma-separated slugs, like `Guide.relatedSlugs`.
    @Field(key: "related_slugs") public var relatedSlugs: String
    @OptionalField(key: "translation_slug") public var translationSlug: String?
    @Field(key: "body_markdown") public var bodyMarkdown: String
    @OptionalField(key: "staff_id") public var staffID: UUID?
    /// The staff member's name at the time (kept if the account goes).
    @Field(key: "author_name") public var authorName: String
    /// The version this one restored, if it is a restore.
    @OptionalField(key: "restored_from") public var restoredFrom: Int?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    init(guideID: UUID, number: Int, state: State, content: GuideContent, staffID: UUID?, authorName: String, restoredFrom: Int? = nil, now: Date) {
        self.$guide.id = guideID
        self.number = number
        self.state = state
        self.categorySlug = content.categorySlug
        self.slug = content.slug
        self.title = content.title
        self.sortOrder = content.order
        self.keywords = content.keywords.joined(separator: ", ")
        self.relatedSlugs = content.related.joined(separator: ", ")
        self.translationSlug = content.translation
        self.bodyMarkdown = content.markdown
        self.staffID = staffID
        self.authorName = authorName
        self.restoredFrom = restoredFrom
        self.createdAt = now
    }

    var content: GuideContent {
        GuideContent(
            title: title, slug: slug, categorySlug: categorySlug, order: sortOrder,
            keywords: Guide.list(keywords), related: Guide.list(relatedSlugs), translation: translationSlug, markdown: bodyMarkdown
        )
    }
}

extension GuideVersion {
    /// A guide's versions, the newest first.
    static func history(of guideID: UUID, on database: any Database) async throws -> [GuideVersion] {
        try await GuideVersion.query(on: database).filter(\.$guide.$id == guideID).sort(\.$number, .descending).all()
    }

    static func latest(of guideID: UUID, on database: any Database) async throws -> GuideVersion? {
        try await GuideVersion.query(on: database).filter(\.$guide.$id == guideID).sort(\.$number, .descending).first()
    }
}

/// What an editor edits of a guide: everything its Markdown file's front matter and body hold.
struct GuideContent: Equatable, Sendable {
    var title: String
    var slug: String
    var categorySlug: String
    var order: Int
    var keywords: [String]
    var related: [String]
    var translation: String?
    var markdown: String

    init(title: String, slug: String, categorySlug: String, order: Int, keywords: [String], related: [String], translation: String?, markdown: String) {
        self.title = title
        self.slug = slug
        self.categorySlug = categorySlug
        self.order = order
        self.keywords = keywords
        self.related = related
        self.translation = translation
        self.markdown = markdown
    }

    /// The guide as the public page shows it now.
    init(_ guide: Guide, categorySlug: String) {
        self.init(
            title: guide.title, slug: guide.slug, categorySlug: categorySlug, order: guide.sortOrder,
            keywords: guide.keywordList, related: guide.relatedSlugList, translation: guide.translationSlug, markdown: guide.bodyMarkdown
        )
    }
}
