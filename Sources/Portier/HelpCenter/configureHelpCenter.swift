import Vapor

/// Sets up the help center's in-memory parts (search index, view counter) before any request, and the tasks that store views and keep the search index current.
func configureHelpCenter(_ app: Application) {
    app.guideSearchEngine = GuideSearchEngine(synonymsDirectory: app.directory.resourcesDirectory + "Search/", logger: app.logger)
    app.guideViewCounter = GuideViewCounter()
    if app.portier.configuration.runsBackgroundWorkers {
        app.lifecycle.use(GuideViewCounterLifecycle())
        app.lifecycle.use(GuideSearchRefresher())
    }
}

/// Imports the guides of `root` (the bundled `Resources/Guides` by default; at start-up and by
/// `portier guides import [--force]`), builds the search index from the result, and logs what changed.
@discardableResult
func importGuides(_ app: Application, from root: String? = nil, force: Bool = false) async throws -> GuideImporter.Report {
    let library = try GuideLibrary.load(from: root ?? GuideImporter.defaultRoot(app))
    let report = try await GuideImporter(database: app.db, force: force).importLibrary(library)
    try await reloadHelpCenter(app)
    return report
}

/// After guides changed in this process (an import, a guide published or unpublished in
/// `/personal/guider`): forgets every rendered help-center page and builds the search index
/// anew, so the change shows at once. Other instances notice within
/// `GuideSearchEngine.checkInterval` (the guides' fingerprint; the page cache is cleared with it).
func reloadHelpCenter(_ app: Application) async throws {
    try await app.guideSearchEngine.rebuild(on: app.db)
    app.pageCache.removeAll()
}
