import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import PortierSearch
import Vapor

/// The help center's search: one in-memory `SearchIndex` of every guide (both languages) and
/// the operators' synonym files, with what a result shows of each guide, so a search asks the
/// database nothing. Results are the same on SQLite and PostgreSQL.
///
/// The index is immutable; a new one is built off the request path and swapped in:
/// - at once after an import in this process (`importGuides`, at start-up and by
///   `portier guides import`);
/// - when guides change elsewhere (another process's import, another instance, a change straight
///   in the database): `GuideSearchRefresher` compares the guides' fingerprint (ids, content
///   hashes, categories) every `checkInterval` and, after a rebuild, clears the page cache
///   (`PageCache`), so a change shows in search and on the kept pages at most `checkInterval`
///   plus one rebuild after it was stored. Several instances each check the same database and so
///   agree within that delay;
/// - every `popularityInterval` anyway, so views and votes (which only break ties) and edits of
///   the synonym files (`Resources/Search/synonyms.<language>`, read at every build) catch up.
///
/// A search that arrives before any index was built waits for the first build.
final class GuideSearchEngine: Sendable {
    /// What a search result shows of a guide.
    struct GuideEntry: Sendable {
        let title: String
        let url: String
        let categoryTitle: String
        /// The body as plain text, for the snippet.
        let bodyText: String
        let language: Language
    }

    /// One built index and the guides it was built from.
    struct Snapshot: Sendable {
        let index: SearchIndex
        let guides: [String: GuideEntry]
        let fingerprint: String
        /// Counts builds from 1; caches of rendered results name the snapshot they came from.
        let generation: Int
        let builtAt: NIODeadline
    }

    static let checkInterval = TimeAmount.seconds(2)
    static let popularityInterval = TimeAmount.minutes(10)

    /// Where `synonyms.sv` and `synonyms.en` are, read again at every build so that an
    /// operator's edit applies with the next index.
    private let synonymsDirectory: String
    private let logger: Logger
    private let current = NIOLockedValueBox<Snapshot?>(nil)
    /// The last build or check in flight: builds run one after the other, never interleaved, so
    /// an older reading of the database never replaces a newer one.
    private let queue = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(synonymsDirectory: String, logger: Logger) {
        self.synonymsDirectory = synonymsDirectory
        self.logger = logger
    }

    /// Reads `Resources/Search/synonyms.<language>`; a missing file means no synonyms (logged).
    static func loadSynonyms(from directory: String, logger: Logger) -> [SearchLanguage: SynonymList] {
        var synonyms: [SearchLanguage: SynonymList] = [:]
        for language in SearchLanguage.allCases {
            let path = directory + "synonyms." + language.rawValue
            do {
                synonyms[language] = try SynonymList(contentsOf: URL(fileURLWithPath: path))
            } catch {
                logger.warning("No search synonyms for \(language.rawValue): cannot read \(path) (\(error))")
            }
        }
        return synonyms
    }

    /// The current index, if one was built.
    var snapshot: Snapshot? {
        current.withLockedValue { $0 }
    }

    /// The current index, building the first one when there is none yet.
    func snapshot(on database: any Database) async throws -> Snapshot {
        if let snapshot { return snapshot }
        try await serialized { [self] () async throws -> Void in
            if self.snapshot == nil { try await self.build(on: database) }
        }
        guard let snapshot else { throw Abort(.serviceUnavailable) }
        return snapshot
    }

    /// Builds a new index from the database now (after an import).
    func rebuild(on database: any Database) async throws {
        try await serialized { [self] () async throws -> Void in try await self.build(on: database) }
    }

    /// Builds a new index when the guides differ from the current index's (or it is older than
    /// `popularityInterval`); returns whether it did.
    @discardableResult
    func refreshIfChanged(on database: any Database, now: NIODeadline = .now()) async throws -> Bool {
        try await serialized { [self] () async throws -> Bool in
            let fingerprint = try await Self.fingerprint(on: database)
            if let snapshot = self.snapshot, snapshot.fingerprint == fingerprint,
               now - snapshot.builtAt < Self.popularityInterval {
                return false
            }
            try await self.build(on: database)
            return true
        }
    }

    private func build(on database: any Database) async throws {
        let guides = try await Guide.published(on: database).with(\.$category).all()
        let fingerprint = Self.fingerprint(of: guides.map { FingerprintRow(guide: $0, category: $0.category) })
        var documents: [SearchDocument] = []
        var entries: [String: GuideEntry] = [:]
        for guide in guides {
            guard let language = Language(rawValue: guide.language) else { continue }
            let id = try guide.requireID().uuidString
            documents.append(SearchDocument(
                id: id, language: language.searchLanguage, title: guide.title, keywords: guide.keywordList,
                markdown: guide.bodyMarkdown, views: guide.viewCount, yesVotes: guide.helpfulCount
            ))
            entries[id] = GuideEntry(
                title: guide.title,
                url: SiteURL.guide(category: .value(guide.category.slug), guide: .value(guide.slug)).path,
                categoryTitle: guide.category.title,
                bodyText: guide.bodyText,
                language: language
            )
        }
        let index = await makeIndex(documents)
        current.withLockedValue { current in
            current = Snapshot(
                index: index, guides: entries, fingerprint: fingerprint,
                generation: (current?.generation ?? 0) + 1, builtAt: .now()
            )
        }
    }

    /// Builds the index on a thread of its own: building is CPU work (seconds for thousands of
    /// guides) that must hold up neither an event loop (Swift Concurrency runs on them, see
    /// `entrypoint.swift`) nor the cooperative pool, so requests go on meanwhile.
    private func makeIndex(_ documents: [SearchDocument]) async -> SearchIndex {
        await withCheckedContinuation { continuation in
            Self.buildQueue.async { [synonymsDirectory, logger] in
                let synonyms = Self.loadSynonyms(from: synonymsDirectory, logger: logger)
                continuation.resume(returning: SearchIndex(documents: documents, synonyms: synonyms))
            }
        }
    }

    private static let buildQueue = DispatchQueue(label: "portier.guide-search-index", qos: .utility)

    /// Runs `work` after every earlier build or check has finished.
    private func serialized<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = NIOLockedValueBox<Result<T, any Error>?>(nil)
        let task = queue.withLockedValue { previous in
            let earlier = previous
            let next = Task {
                await earlier?.value
                let result: Result<T, any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                outcome.withLockedValue { $0 = result }
            }
            previous = next
            return next
        }
        await task.value
        guard let result = outcome.withLockedValue({ $0 }) else { throw CancellationError() }
        return try result.get()
    }

    // MARK: Fingerprint

    /// What identifies the guides as a search shows them: each published guide's id, content and
    /// category (an unpublished guide drops out, so unpublishing changes the fingerprint too).
    private struct FingerprintRow {
        let guideID: String
        let contentHash: String
        let category: String

        init(guide: Guide, category: HelpCategory) {
            guideID = guide.id?.uuidString ?? ""
            contentHash = guide.contentHash
            self.category = (category.id?.uuidString ?? "") + "\u{1F}" + category.slug + "\u{1F}" + category.title
        }
    }

    /// The fingerprint of the guides now in the database, from two small queries.
    static func fingerprint(on database: any Database) async throws -> String {
        let guides = try await Guide.published(on: database)
            .field(\.$id).field(\.$contentHash).field(\.$category.$id)
            .all()
        let categories = try await HelpCategory.query(on: database).all()
        let byID = Dictionary(uniqueKeysWithValues: categories.compactMap { category in category.id.map { ($0, category) } })
        return fingerprint(of: guides.compactMap { guide in
            byID[guide.$category.id].map { FingerprintRow(guide: guide, category: $0) }
        })
    }

    private static func fingerprint(of rows: [FingerprintRow]) -> String {
        var hasher = SHA256()
        for row in rows.sorted(by: { $0.guideID < $1.guideID }) {
            for part in [row.guideID, row.contentHash, row.category] {
                hasher.update(data: Data(part.utf8))
                hasher.update(data: [0])
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension Language {
    var searchLanguage: SearchLanguage {
        switch self {
        case .swedish: .swedish
        case .english: .english
        }
    }

    /// The help center's other language, searched when this one finds nothing.
    var other: Language {
        self == .swedish ? .english : .swedish
    }
}

extension Application {
    private struct GuideSearchEngineKey: StorageKey { typealias Value = GuideSearchEngine }

    /// Set up by `configureHelpCenter` before any request.
    var guideSearchEngine: GuideSearchEngine {
        get {
            guard let engine = storage[GuideSearchEngineKey.self] else {
                fatalError("app.guideSearchEngine is not set: configure(_:) calls configureHelpCenter(_:), which creates it")
            }
            return engine
        }
        set { storage[GuideSearchEngineKey.self] = newValue }
    }
}

/// Checks every `GuideSearchEngine.checkInterval` whether the guides changed elsewhere and builds
/// a new index when they did, while the server runs (like `GuideViewCounterLifecycle`); stopped
/// and waited for at shutdown, before Fluent's own shutdown.
struct GuideSearchRefresher: LifecycleHandler {
    let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        guard application.runsServeCommand else { return }
        let logger = application.logger
        let interval = Int64(GuideSearchEngine.checkInterval.nanoseconds)
        task.withLockedValue {
            $0 = Task {
                while true {
                    do { try await Task.sleep(for: .nanoseconds(interval)) } catch { return }  // cancelled: shutting down
                    do { try await Self.check(application) } catch {
                        logger.warning("Could not check the guides for the search index: \(String(describing: error))")
                    }
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }

    /// One check: a new index when the guides changed, and then no page kept from before.
    static func check(_ application: Application) async throws {
        if try await application.guideSearchEngine.refreshIfChanged(on: application.db) {
            application.pageCache.removeAll()
        }
    }
}
