import Fluent
import Foundation

/// A help-center category ("Inloggning & kontaktuppgifter"), loaded from `_category.md`.
public final class HelpCategory: Model, @unchecked Sendable {
    public static let schema = "help_categories"

    @ID(key: .id) public var id: UUID?
    @Field(key: "language") public var language: String
    @Field(key: "slug") public var slug: String
    @Field(key: "title") public var title: String
    @Field(key: "description") public var description: String
    @Field(key: "sort_order") public var sortOrder: Int

    public init() {}

    init(language: String, slug: String, title: String, description: String, sortOrder: Int) {
        self.language = language
        self.slug = slug
        self.title = title
        self.description = description
        self.sortOrder = sortOrder
    }
}

extension HelpCategory {
    static func find(slug: String, on database: any Database) async throws -> HelpCategory? {
        try await HelpCategory.query(on: database).filter(\.$slug == slug).first()
    }

    static func all(language: Language, on database: any Database) async throws -> [HelpCategory] {
        try await HelpCategory.query(on: database)
            .filter(\.$language == language.rawValue)
            .sort(\.$sortOrder).sort(\.$title)
            .all()
    }
}
