import Fluent
import Foundation
import Vapor

/// "Ny guide" and "Ta bort" in `/personal/guider` (editors, admins).
/// - A new guide gets a title, an address (slug, unique per language), a language and a category
///   of that language; it starts unpublished with an empty body, marked as edited in the browser
///   (so the file importer never overwrites it), and the editor takes it from there.
/// - Only an unpublished guide can be deleted (a published one is unpublished first, so a visitor
///   never meets a page that vanishes unannounced). Its versions, votes and view counts go with
///   it (the database cascades); images stay, since they live in the category's shared `images/`
///   folder. The deletion is remembered (`DeletedGuide`) so the importer does not recreate it.
/// Callers reload the help center (page cache and search index) and write the audit event.
struct GuideLifecycle: Sendable {
    let database: any Database
    let clock: any AppClock

    init(database: any Database, clock: any AppClock) {
        self.database = database
        self.clock = clock
    }

    init(request: Request) {
        self.init(database: request.db, clock: request.portier.clock)
    }

    struct NewGuideForm: Content, Sendable {
        var title: String?
        var slug: String?
        var language: String?
        /// `<language>/<category slug>`: the categories of both languages are offered.
        var category: String?
    }

    enum Field: String, Sendable, CaseIterable {
        case title, slug, language, category
    }

    struct Problems: Error, Equatable, Sendable {
        var byField: [Field: GuideEditor.Problem] = [:]
    }

    /// The category choice's value for a category.
    static func categoryValue(_ category: HelpCategory) -> String { category.language + "/" + category.slug }

    /// Checks the form and creates the guide, or says what to fix.
    func create(_ form: NewGuideForm, by staff: StaffMember) async throws -> Result<Guide, Problems> {
        var problems = Problems()
        let language = Language(rawValue: (form.language ?? "").trimmingCharacters(in: .whitespaces))
        if language == nil { problems.byField[.language] = .init(key: "staff.guides.error.language_unknown") }

        let title = TicketDesk.singleLine(form.title ?? "")
        if title.isEmpty { problems.byField[.title] = .init(key: "staff.guides.error.title_missing") }
        else if title.count > GuideEditor.maximumTitleLength { problems.byField[.title] = .init(key: "staff.guides.error.too_long", arguments: [String(GuideEditor.maximumTitleLength)]) }

        let slug = (form.slug ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if slug.count > GuideEditor.maximumSlugLength || slug.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
            problems.byField[.slug] = .init(key: "staff.guides.error.slug_invalid")
        } else if let language, try await Self.isSlugTaken(slug, language: language, on: database) {
            problems.byField[.slug] = .init(key: "staff.guides.error.slug_taken")
        }

        var category: HelpCategory?
        let parts = (form.category ?? "").split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            category = try await HelpCategory.query(on: database).filter(\.$language == parts[0]).filter(\.$slug == parts[1]).first()
        }
        if category == nil {
            problems.byField[.category] = .init(key: "staff.guides.error.category_unknown")
        } else if let language, category?.language != language.rawValue {
            problems.byField[.category] = .init(key: "staff.guides.error.category_language")
        }

        guard problems.byField.isEmpty, let language, let category else { return .failure(problems) }
        let now = clock.now()
        let categoryID = try category.requireID()
        let highest = try await Guide.query(on: database).filter(\.$category.$id == categoryID).max(\.$sortOrder) ?? 0
        let guide = Guide()
        guide.language = language.rawValue
        guide.$category.id = categoryID
        guide.slug = slug
        guide.title = title
        guide.summary = ""
        guide.bodyMarkdown = ""
        guide.bodyHTML = ""
        guide.bodyText = ""
        guide.keywords = ""
        guide.relatedSlugs = ""
        guide.translationSlug = nil
        guide.sortOrder = min(highest + 10, GuideEditor.orderRange.upperBound)
        guide.updatedOn = CalendarDay(containing: now).iso
        guide.contentHash = ""
        // Where its file would be: a file added there later is kept out like any edited guide's.
        guide.sourcePath = language.rawValue + "/" + category.slug + "/" + slug + ".md"
        guide.viewCount = 0
        guide.helpfulCount = 0
        guide.notHelpfulCount = 0
        guide.isPublished = false
        guide.editedAt = now
        guide.editedByStaffID = try staff.requireID()
        do {
            try await guide.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Taken meanwhile (another editor, an import): the unique index said so.
            return .failure(Problems(byField: [.slug: .init(key: "staff.guides.error.slug_taken")]))
        }
        return .success(guide)
    }

    static func isSlugTaken(_ slug: String, language: Language, on database: any Database) async throws -> Bool {
        try await Guide.query(on: database).filter(\.$language == language.rawValue).filter(\.$slug == slug).first() != nil
    }

    /// What deleting takes with it, for the confirmation page and the audit event.
    struct Footprint: Equatable, Sendable {
        let versions: Int
        let votes: Int
        let views: Int
    }

    func footprint(of guide: Guide) async throws -> Footprint {
        let guideID = try guide.requireID()
        return Footprint(
            versions: try await GuideVersion.query(on: database).filter(\.$guide.$id == guideID).count(),
            votes: try await GuideVote.query(on: database).filter(\.$guide.$id == guideID).count(),
            views: guide.viewCount
        )
    }

    enum DeletionOutcome: Equatable, Sendable {
        case deleted(Footprint)
        /// Published guides are unpublished first.
        case isPublished
    }

    /// Deletes an unpublished guide with its versions, votes and view counts, and remembers it
    /// for the importer.
    func delete(_ guide: Guide, by staff: StaffMember) async throws -> DeletionOutcome {
        guard !guide.isPublished else { return .isPublished }
        let footprint = try await footprint(of: guide)
        let staffID = try staff.requireID()
        let now = clock.now()
        try await database.transactionTakingSQLiteWriteLock { database in
            try await DeletedGuide(guide, staffID: staffID, now: now).create(on: database)
            try await guide.delete(on: database)
        }
        return .deleted(footprint)
    }
}
