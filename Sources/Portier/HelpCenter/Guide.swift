import Fluent
import Foundation

/// A guide of the help center, imported from Markdown. `bodyHTML` is rendered once per content
/// change (at import); `contentHash` identifies that content for caches and re-imports.
public final class Guide: Model, @unchecked Sendable {
    public static let schema = "guides"

    @ID(key: .id) public var id: UUID?
    @Field(key: "language") public var language: String
    @Parent(key: "category_id") public var category: HelpCategory
    @Field(key: "slug") public var slug: String
    @Field(key: "title") public var title: String
    @Field(key: "summary") public var summary: String
    @Field(key: "body_markdown") public var bodyMarkdown: String
    @Field(key: "body_html") public var bodyHTML: String
    /// The body as plain text, for snippets.
    @Field(key: "body_text") public var bodyText: String
    /// Comma-separated.
    @Field(key: "keywords") public var keywords: String
    /// Comma-separated slugs, in the author's order.
    @Field(key: "related_slugs") public var relatedSlugs: String
    @OptionalField(key: "translation_slug") public var translationSlug: String?
    @Field(key: "sort_order") public var sortOrder: Int
    @Field(key: "updated_on") public var updatedOn: String
    @Field(key: "content_hash") public var contentHash: String
    @Field(key: "source_path") public var sourcePath: String
    @Field(key: "view_count") public var viewCount: Int
    @Field(key: "helpful_count") public var helpfulCount: Int
    @Field(key: "not_helpful_count") public var notHelpfulCount: Int
    /// False after "Avpublicera" in the guide editor: the public site neither shows nor finds it.
    @Field(key: "is_published") public var isPublished: Bool
    /// When the guide was last saved in the browser editor; the file importer then keeps it
    /// (`portier guides import --force` overwrites it).
    @OptionalField(key: "edited_at") public var editedAt: Date?
    @OptionalField(key: "edited_by_staff_id") public var editedByStaffID: UUID?

    public init() {}

    var keywordList: [String] { Self.list(keywords) }
    var relatedSlugList: [String] { Self.list(relatedSlugs) }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension Guide {
    /// The guides the public site shows: every public look-up starts here.
    static func published(on database: any Database) -> QueryBuilder<Guide> {
        Guide.query(on: database).filter(\.$isPublished == true)
    }

    /// A published guide by its category's and its own slug.
    static func find(category: String, slug: String, on database: any Database) async throws -> Guide? {
        try await Guide.published(on: database)
            .join(HelpCategory.self, on: \Guide.$category.$id == \HelpCategory.$id)
            .filter(HelpCategory.self, \.$slug == category)
            .filter(\.$slug == slug)
            .with(\.$category)
            .first()
    }
}
