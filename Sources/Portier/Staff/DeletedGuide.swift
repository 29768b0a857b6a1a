import Fluent
import Foundation

/// A guide deleted in the browser (`/personal/guider`): remembered so that the file importer
/// does not bring it back from its file (`portier guides import --force` does, and forgets this).
/// Matched by the file it came from and by language and slug.
final class DeletedGuide: Model, @unchecked Sendable {
    static let schema = "deleted_guides"

    @ID(key: .id) var id: UUID?
    @Field(key: "language") var language: String
    @Field(key: "slug") var slug: String
    @Field(key: "source_path") var sourcePath: String
    @Field(key: "title") var title: String
    @OptionalField(key: "staff_id") var staffID: UUID?
    @Field(key: "deleted_at") var deletedAt: Date

    init() {}

    init(_ guide: Guide, staffID: UUID?, now: Date) {
        language = guide.language
        slug = guide.slug
        sourcePath = guide.sourcePath
        title = guide.title
        self.staffID = staffID
        deletedAt = now
    }
}
