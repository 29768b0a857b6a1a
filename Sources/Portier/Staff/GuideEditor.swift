import Crypto
import Fluent
import Foundation
import Vapor

/// The guide editor's work (`/personal/guider`): checks what an editor typed with the importer's
/// rules, saves every save as a `GuideVersion`, publishes a version onto the guide the public site
/// shows (rendered by the same `GuideRenderer` as an import), unpublishes, and restores older
/// versions. Callers reload the help center (`reloadHelpCenter`) after publishing or unpublishing.
struct GuideEditor: Sendable {
    static let maximumTitleLength = 150
    static let maximumSlugLength = 100
    static let maximumKeywordsLength = 500
    static let maximumMarkdownLength = 100_000
    static let orderRange = 0...10_000

    let database: any Database
    let clock: any AppClock
    /// The guides' folder (`Resources/Guides/`): where the images a guide may show live.
    let libraryRoot: String

    init(database: any Database, clock: any AppClock, libraryRoot: String) {
        self.database = database
        self.clock = clock
        self.libraryRoot = libraryRoot
    }

    init(request: Request) {
        self.init(database: request.db, clock: request.portier.clock, libraryRoot: GuideImporter.defaultRoot(request.application))
    }

    /// The form as typed.
    struct Form: Content, Sendable {
        var title: String?
        var slug: String?
        var category: String?
        var order: String?
        var keywords: String?
        var related: String?
        var translation: String?
        var markdown: String?
    }

    enum Field: String, Sendable, CaseIterable {
        case title, slug, category, order, keywords, related, translation, markdown
    }

    /// Problems by field, each a catalog key and its arguments.
    struct Problems: Error, Equatable, Sendable {
        var byField: [Field: Problem] = [:]
    }

    struct Problem: Equatable, Sendable {
        let key: String
        var arguments: [String] = []
    }

    // MARK: Checking

    /// Checks the form against the same rules as a guide file (slug form, related guides and
    /// translation that exist, Markdown without raw HTML, images that exist, links without
    /// scripts) for `guide`.
    func validate(_ form: Form, for guide: Guide) async throws -> Result<GuideContent, Problems> {
        var problems = Problems()
        let language = Language(rawValue: guide.language) ?? .default
        let guideID = try guide.requireID()

        let title = TicketDesk.singleLine(form.title ?? "")
        if title.isEmpty { problems.byField[.title] = Problem(key: "staff.guides.error.title_missing") }
        else if title.count > Self.maximumTitleLength { problems.byField[.title] = Problem(key: "staff.guides.error.too_long", arguments: [String(Self.maximumTitleLength)]) }

        let slug = (form.slug ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if slug.count > Self.maximumSlugLength || slug.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression) == nil {
            problems.byField[.slug] = Problem(key: "staff.guides.error.slug_invalid")
        } else if try await Guide.query(on: database).filter(\.$language == guide.language).filter(\.$slug == slug).filter(\.$id != guideID).first() != nil {
            problems.byField[.slug] = Problem(key: "staff.guides.error.slug_taken")
        }

        let categorySlug = (form.category ?? "").trimmingCharacters(in: .whitespaces)
        if try await HelpCategory.query(on: database).filter(\.$language == guide.language).filter(\.$slug == categorySlug).first() == nil {
            problems.byField[.category] = Problem(key: "staff.guides.error.category_unknown")
        }

        let order = Int((form.order ?? "").trimmingCharacters(in: .whitespaces))
        if order == nil || !Self.orderRange.contains(order!) {
            problems.byField[.order] = Problem(key: "staff.guides.error.order_invalid", arguments: [String(Self.orderRange.upperBound)])
        }

        let keywordsText = TicketDesk.singleLine(form.keywords ?? "")
        if keywordsText.count > Self.maximumKeywordsLength { problems.byField[.keywords] = Problem(key: "staff.guides.error.too_long", arguments: [String(Self.maximumKeywordsLength)]) }
        let keywords = Guide.list(keywordsText)

        let related = Guide.list((form.related ?? "").lowercased())
        if !related.isEmpty {
            let existing = Set(try await Guide.query(on: database).filter(\.$language == guide.language).filter(\.$slug ~~ related).all(\.$slug))
            if let missing = related.first(where: { !existing.contains($0) || $0 == slug }) {
                problems.byField[.related] = Problem(key: "staff.guides.error.related_unknown", arguments: [missing])
            }
        }

        let translationText = (form.translation ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let translation = translationText.isEmpty ? nil : translationText
        if let translation, try await Guide.query(on: database).filter(\.$language == language.other.rawValue).filter(\.$slug == translation).first() == nil {
            problems.byField[.translation] = Problem(key: "staff.guides.error.translation_unknown", arguments: [translation])
        }

        let markdown = Self.normalizedMarkdown(form.markdown ?? "")
        if markdown.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.byField[.markdown] = Problem(key: "staff.guides.error.markdown_missing")
        } else if markdown.count > Self.maximumMarkdownLength {
            problems.byField[.markdown] = Problem(key: "staff.guides.error.too_long", arguments: [String(Self.maximumMarkdownLength)])
        } else if problems.byField[.category] == nil, let problem = Self.markdownProblem(markdown, folder: libraryRoot + guide.language + "/" + categorySlug + "/") {
            problems.byField[.markdown] = problem
        }

        guard problems.byField.isEmpty, let order else { return .failure(problems) }
        return .success(GuideContent(
            title: title, slug: slug, categorySlug: categorySlug, order: order,
            keywords: keywords, related: related, translation: translation, markdown: markdown
        ))
    }

    /// Line breaks as `\n`, other control characters (except tabs) removed; kept as typed otherwise.
    static func normalizedMarkdown(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let kept = unified.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || $0.properties.generalCategory != .control }
        return String(String.UnicodeScalarView(kept))
    }

    /// The importer's rules for a guide's body (no raw HTML, images in the category's `images/`
    /// folder with alt text), plus links only to web pages, e-mail addresses and this site.
    static func markdownProblem(_ markdown: String, folder: String) -> Problem? {
        do {
            try GuideLibrary.validateBody(markdown, file: "", lineOffset: 0, folder: folder)
        } catch let error as GuideImportError {
            return Problem(key: "staff.guides.error.markdown_rule", arguments: [String(error.line), error.reason])
        } catch {
            return Problem(key: "staff.guides.error.markdown_missing")
        }
        var isInCode = false
        for (index, line) in markdown.components(separatedBy: "\n").enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { isInCode.toggle() }
            if isInCode { continue }
            let targets = line.matches(of: /\]\(\s*([^)\s]*)/).map { String($0.output.1) }
                + line.matches(of: /^\s*\[[^\]]+\]:\s*(\S+)/).map { String($0.output.1) }
            for target in targets where !isAllowedLink(target) {
                return Problem(key: "staff.guides.error.markdown_rule", arguments: [String(index + 1), "link target '\(target)' is not allowed (http, https, mailto or a path of this site)"])
            }
        }
        return nil
    }

    static func isAllowedLink(_ target: String) -> Bool {
        let lowered = target.lowercased()
        guard let colon = lowered.firstIndex(of: ":") else { return true }  // a path or #anchor
        if let slash = lowered.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }), slash < colon { return true }
        let scheme = lowered[..<colon]
        return ["http", "https", "mailto"].contains(scheme)
    }

    // MARK: Saving

    /// The version the editor shows: the newest save, or the guide itself before its first save.
    func currentContent(of guide: Guide) async throws -> (content: GuideContent, version: GuideVersion?) {
        if let latest = try await GuideVersion.latest(of: try guide.requireID(), on: database) {
            return (latest.content, latest)
        }
        let category = try await guide.$category.get(on: database)
        return (GuideContent(guide, categorySlug: category.slug), nil)
    }

    /// Saves `content` as a new draft version; the public page is unchanged.
    @discardableResult
    func saveDraft(_ content: GuideContent, of guide: Guide, by staff: StaffMember, restoredFrom: Int? = nil) async throws -> GuideVersion {
        try await save(content, of: guide, state: .draft, by: staff, restoredFrom: restoredFrom)
    }

    /// Saves `content` as a new published version and makes it the guide the public site shows.
    @discardableResult
    func publish(_ content: GuideContent, of guide: Guide, by staff: StaffMember) async throws -> GuideVersion {
        try await save(content, of: guide, state: .published, by: staff, restoredFrom: nil)
    }

    /// Takes the guide off the public site (its page, category, search, related lists). Its
    /// content, views and votes stay; publishing shows it again.
    func unpublish(_ guide: Guide, by staff: StaffMember) async throws {
        guide.isPublished = false
        guide.editedAt = clock.now()
        guide.editedByStaffID = try staff.requireID()
        try await guide.update(on: database)
    }

    /// Saves version `number` again as a new draft (to be checked and published like any draft).
    func restore(version number: Int, of guide: Guide, by staff: StaffMember) async throws -> GuideVersion {
        guard let old = try await GuideVersion.query(on: database).filter(\.$guide.$id == guide.requireID()).filter(\.$number == number).first() else {
            throw Abort(.notFound)
        }
        return try await saveDraft(old.content, of: guide, by: staff, restoredFrom: number)
    }

    private func save(_ content: GuideContent, of guide: Guide, state: GuideVersion.State, by staff: StaffMember, restoredFrom: Int?) async throws -> GuideVersion {
        let guideID = try guide.requireID()
        let staffID = try staff.requireID()
        let category = state == .published
            ? try await HelpCategory.query(on: database).filter(\.$language == guide.language).filter(\.$slug == content.categorySlug).first()
            : nil
        if state == .published, category == nil { throw Abort(.unprocessableEntity) }
        return try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let now = clock.now()
                let number = (try await GuideVersion.query(on: database).filter(\.$guide.$id == guideID).max(\.$number) ?? 0) + 1
                let version = GuideVersion(
                    guideID: guideID, number: number, state: state, content: content, staffID: staffID,
                    authorName: String(TicketDesk.singleLine(staff.name).prefix(100)), restoredFrom: restoredFrom, now: now
                )
                try await version.create(on: database)
                if state == .published, let category {
                    let source = Self.source(content, language: guide.language, path: guide.sourcePath, updated: CalendarDay(containing: now).iso)
                    let output = GuideRenderer().render(source)
                    guide.$category.id = try category.requireID()
                    guide.slug = content.slug
                    guide.title = content.title
                    guide.summary = output.summary
                    guide.bodyMarkdown = content.markdown
                    guide.bodyHTML = output.html
                    guide.bodyText = output.text
                    guide.keywords = content.keywords.joined(separator: ", ")
                    guide.relatedSlugs = content.related.joined(separator: ", ")
                    guide.translationSlug = content.translation
                    guide.sortOrder = content.order
                    guide.updatedOn = source.updated
                    guide.contentHash = Self.contentHash(source)
                    guide.isPublished = true
                }
                guide.editedAt = now
                guide.editedByStaffID = staffID
                try await guide.update(on: database)
                return version
            }
        }
    }

    /// `content` as the importer would read it from a file, for the renderer and the hash.
    static func source(_ content: GuideContent, language: String, path: String, updated: String) -> GuideSource {
        GuideSource(
            language: Language(rawValue: language) ?? .default, categorySlug: content.categorySlug, slug: content.slug,
            title: content.title, order: content.order, related: content.related, keywords: content.keywords,
            updated: updated, translation: content.translation, markdown: content.markdown, path: path, relatedLine: 1
        )
    }

    /// The importer's content hash plus the slug (which a file's hash leaves to its name), so a
    /// changed slug also reaches other instances' search index and page cache.
    static func contentHash(_ source: GuideSource) -> String {
        TokenDigest.sha256Hex(GuideImporter.contentHash(source) + "\u{0}" + source.slug)
    }

    /// The preview: the same renderer as the public page.
    static func previewHTML(_ content: GuideContent, language: String) -> String {
        GuideRenderer().render(source(content, language: language, path: "", updated: "")).html
    }
}
