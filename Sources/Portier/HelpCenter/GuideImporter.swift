import Crypto
import Fluent
import Foundation
import Vapor

/// Loads `Resources/Guides` into the database: adds new guides, updates changed ones (rendering
/// their HTML again), and removes guides whose files are gone. The search index is built from the
/// result afterwards (`importGuides`, `GuideSearchEngine`). A guide saved in the browser editor
/// (`/personal/guider`) is kept as it is — neither updated from its file nor removed — and a guide
/// deleted there stays deleted (`DeletedGuide`), unless `force` is set, which makes the files win
/// again (and forgets the deletions).
struct GuideImporter {
    struct Report: Equatable, CustomStringConvertible {
        var added: [String] = []
        var updated: [String] = []
        var removed: [String] = []
        var unchanged = 0
        /// Guides edited in the browser that the files did not overwrite (no `--force`).
        var kept: [String] = []
        /// Files of guides deleted in the browser, not imported again (no `--force`).
        var leftDeleted: [String] = []

        var description: String {
            var lines = ["guides: \(added.count) added, \(updated.count) updated, \(removed.count) removed, \(unchanged) unchanged"]
            if !kept.isEmpty {
                lines[0] += ", \(kept.count) kept (edited in the browser; --force overwrites them)"
            }
            if !leftDeleted.isEmpty {
                lines[0] += ", \(leftDeleted.count) left deleted (deleted in the browser; --force imports them again)"
            }
            lines += added.map { "  + \($0)" } + updated.map { "  ~ \($0)" } + removed.map { "  - \($0)" } + kept.map { "  = \($0)" }
                + leftDeleted.map { "  x \($0)" }
            return lines.joined(separator: "\n")
        }
    }

    let database: any Database
    /// Overwrite guides edited in the browser with their files (`portier guides import --force`).
    var force = false

    static func defaultRoot(_ app: Application) -> String {
        app.directory.resourcesDirectory + "Guides/"
    }

    func importLibrary(_ library: GuideLibrary) async throws -> Report {
        try await database.transactionTakingSQLiteWriteLock { database in
            var report = Report()
            let categoryIDs = try await upsertCategories(library.categories, on: database)
            let existing = try await Guide.query(on: database).all()
            var existingByKey = Dictionary(uniqueKeysWithValues: existing.map { ($0.language + "/" + $0.slug, $0) })
            let renderer = GuideRenderer()
            // Browser-edited guides stay, also under a new slug: their file names them by its path.
            let editedPaths = force ? [:] : Dictionary(existing.filter { $0.editedAt != nil }.map { ($0.sourcePath, $0) }, uniquingKeysWith: { first, _ in first })
            // Guides deleted in the browser stay deleted, by their file or their address.
            let deletions = force ? [] : try await DeletedGuide.query(on: database).all()
            let deletedPaths = Set(deletions.map(\.sourcePath))
            let deletedKeys = Set(deletions.map { $0.language + "/" + $0.slug })

            for source in library.guides {
                let key = source.language.rawValue + "/" + source.slug
                if !force, let edited = existingByKey[key].flatMap({ $0.editedAt == nil ? nil : $0 }) ?? editedPaths[source.path] {
                    existingByKey.removeValue(forKey: edited.language + "/" + edited.slug)
                    report.kept.append(source.path)
                    continue
                }
                if existingByKey[key] == nil, deletedPaths.contains(source.path) || deletedKeys.contains(key) {
                    report.leftDeleted.append(source.path)
                    continue
                }
                let hash = Self.contentHash(source)
                let existingGuide = existingByKey.removeValue(forKey: key)
                let isNew = existingGuide == nil
                let guide = existingGuide ?? Guide()
                if !isNew && guide.contentHash == hash && guide.editedAt == nil && guide.isPublished {
                    report.unchanged += 1
                    continue
                }
                let output = renderer.render(source)
                guide.language = source.language.rawValue
                guide.$category.id = try categoryIDs[source.language.rawValue + "/" + source.categorySlug].orThrow(GuideImportError(file: source.path, line: 1, reason: "unknown category"))
                guide.slug = source.slug
                guide.title = source.title
                guide.summary = output.summary
                guide.bodyMarkdown = source.markdown
                guide.bodyHTML = output.html
                guide.bodyText = output.text
                guide.keywords = source.keywords.joined(separator: ", ")
                guide.relatedSlugs = source.related.joined(separator: ", ")
                guide.translationSlug = source.translation
                guide.sortOrder = source.order
                guide.updatedOn = source.updated
                guide.contentHash = hash
                guide.sourcePath = source.path
                guide.isPublished = true
                guide.editedAt = nil
                guide.editedByStaffID = nil
                if isNew {
                    guide.viewCount = 0
                    guide.helpfulCount = 0
                    guide.notHelpfulCount = 0
                }
                try await guide.save(on: database)
                if isNew { report.added.append(source.path) } else { report.updated.append(source.path) }
            }
            for guide in existingByKey.values {
                if !force && guide.editedAt != nil {
                    report.kept.append(guide.sourcePath)
                    continue
                }
                try await guide.delete(on: database)
                report.removed.append(guide.sourcePath)
            }
            if force {
                try await DeletedGuide.query(on: database).delete()
            }
            let keptCategories = Set(library.categories.map { $0.language.rawValue + "/" + $0.slug })
            for category in try await HelpCategory.query(on: database).all() where !keptCategories.contains(category.language + "/" + category.slug) {
                try await category.delete(on: database)
            }
            return report
        }
    }

    private func upsertCategories(_ sources: [CategorySource], on database: any Database) async throws -> [String: UUID] {
        let existing = try await HelpCategory.query(on: database).all()
        var byKey = Dictionary(uniqueKeysWithValues: existing.map { ($0.language + "/" + $0.slug, $0) })
        var ids: [String: UUID] = [:]
        for source in sources {
            let key = source.language.rawValue + "/" + source.slug
            let category = byKey.removeValue(forKey: key) ?? HelpCategory(language: source.language.rawValue, slug: source.slug, title: source.title, description: source.description, sortOrder: source.order)
            category.title = source.title
            category.description = source.description
            category.sortOrder = source.order
            try await category.save(on: database)
            ids[key] = try category.requireID()
        }
        return ids
    }

    /// Identifies a guide's content (front matter and Markdown) for re-imports and page caches.
    static func contentHash(_ source: GuideSource) -> String {
        var hasher = SHA256()
        for part in [source.categorySlug, source.title, String(source.order), source.related.joined(separator: ","), source.keywords.joined(separator: ","), source.updated, source.translation ?? "", source.markdown] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
