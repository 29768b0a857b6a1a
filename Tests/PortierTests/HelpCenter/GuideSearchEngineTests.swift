import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import VaporTesting
@testable import Portier

/// The in-memory search index follows the guides: rebuilt after an import, and after a change
/// made elsewhere (another process, another instance, straight in the database).
@Suite("Help center: the search index follows the guides")
struct GuideSearchEngineTests {
    @Test("An import (portier guides import) rebuilds the index: new guides are found, removed ones are not")
    func rebuiltAfterImport() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            try await context.importGuides(folder)
            let search = HelpSearch(database: context.app.db, engine: context.app.guideSearchEngine)
            let before = try await search.results(for: "domäner", language: .swedish)
            try FileManager.default.removeItem(atPath: folder.root + "sv/domaner/se-dina-domaner.md")
            try folder.guide("flytta-doman", in: "domaner", title: "Flytta din domän hit", body: "Så flyttar du en domän med en auktorisationskod.\n")

            try await context.importGuides(folder)

            let after = try await search.results(for: "auktorisationskod", language: .swedish)
            #expect(before.map(\.title) == ["Se dina domäner"])
            #expect(after.map(\.title) == ["Flytta din domän hit"])
            #expect(try await search.results(for: "förnyelsedatum", language: .swedish).isEmpty)
        }
    }

    @Test("A check finds a guide changed straight in the database; nothing changed, nothing rebuilt")
    func refreshIfChanged() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let engine = context.app.guideSearchEngine
            let generation = try #require(engine.snapshot?.generation)
            let unchanged = try await engine.refreshIfChanged(on: context.app.db)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            guide.title = "Dina domäner och registrarer"
            guide.contentHash = "changed-elsewhere"
            try await guide.update(on: context.app.db)

            let changed = try await engine.refreshIfChanged(on: context.app.db)

            #expect(!unchanged)
            #expect(changed)
            #expect(engine.snapshot?.generation == generation + 1)
            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=registrarer")
            #expect(HelpSearchTests.resultPaths(response.body.string) == ["/hjalp/domaner/se-dina-domaner"])
        }
    }

    @Test("Views alone do not rebuild the index until the popularity interval has passed")
    func popularity() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let engine = context.app.guideSearchEngine
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "se-dina-domaner").first())
            guide.viewCount = 500
            try await guide.update(on: context.app.db)

            let soon = try await engine.refreshIfChanged(on: context.app.db)
            let later = try await engine.refreshIfChanged(on: context.app.db, now: .now() + GuideSearchEngine.popularityInterval)

            #expect(!soon)
            #expect(later)
        }
    }

    @Test("While the server runs, a change made elsewhere reaches search within the check interval")
    func refresher() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let engine = context.app.guideSearchEngine
            let generation = try #require(engine.snapshot?.generation)
            let refresher = GuideSearchRefresher()
            try await refresher.didBootAsync(context.app)
            let guide = try #require(try await Guide.query(on: context.app.db).filter(\.$slug == "glomt-losenord").first())
            guide.title = "Återställ ett bortglömt lösenord"
            guide.contentHash = "changed-elsewhere"
            try await guide.update(on: context.app.db)

            // Waits for the refresher's next check (every `checkInterval`); the bound is generous
            // for a loaded machine and is not what is tested.
            var waits = 0
            while engine.snapshot?.generation == generation, waits < 300 {
                try await Task.sleep(for: .milliseconds(100))
                waits += 1
            }
            await refresher.shutdownAsync(context.app)

            #expect(refresher.task.withLockedValue { $0 == nil })
            let results = try await HelpSearch(database: context.app.db, engine: engine).results(for: "bortglömt", language: .swedish)
            #expect(results.map(\.title) == ["Återställ ett bortglömt lösenord"])
        }
    }

    @Test("The first search builds the index when nothing has yet")
    func builtOnFirstUse() async throws {
        try await withPortierApp { context in
            let folder = try GuideFolder.sample()
            _ = try await GuideImporter(database: context.app.db).importLibrary(try GuideLibrary.load(from: folder.root))
            #expect(context.app.guideSearchEngine.snapshot == nil)

            let response = try await TestBrowser(app: context.app).get("/hjalp/sok?q=dom%C3%A4ner")

            #expect(HelpSearchTests.resultPaths(response.body.string) == ["/hjalp/domaner/se-dina-domaner"])
        }
    }

    @Test("The full-text table is dropped; reverting recreates it and marks every guide for re-import")
    func dropMigration() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let sql = try #require(context.app.db as? any SQLDatabase)
            let droppedByMigration = try await Self.hasSearchTable(sql)

            try await DropGuideSearchIndex().revert(on: context.app.db)
            let recreated = try await Self.hasSearchTable(sql)
            let hashes = try await Guide.query(on: context.app.db).all().map(\.contentHash)
            try await DropGuideSearchIndex().prepare(on: context.app.db)

            #expect(!droppedByMigration)
            #expect(recreated)
            #expect(hashes.count == 4 && hashes.allSatisfy(\.isEmpty))
            #expect(try await Self.hasSearchTable(sql) == false)
        }
    }

    static func hasSearchTable(_ sql: any SQLDatabase) async throws -> Bool {
        let query: SQLQueryString = sql.dialect.name == "postgresql"
            ? "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'guide_search' AND table_schema = current_schema()"
            : "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'guide_search'"
        let row = try #require(try await sql.raw(query).first())
        return try row.decode(column: "n", as: Int.self) > 0
    }
}
