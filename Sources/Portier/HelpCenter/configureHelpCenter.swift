import Vapor

/// Sets up the help center's in-memory parts (page and search caches, view counter) before any
/// request, and the task that stores views.
func configureHelpCenter(_ app: Application) {
    _ = app.guidePageCache
    _ = app.helpSearchCache
    _ = app.guideViewCounter
    if app.portier.configuration.runsBackgroundWorkers {
        app.lifecycle.use(GuideViewCounterLifecycle())
    }
}

/// Imports the bundled guides (at start-up and by `portier guides import`) and logs what changed.
func importGuides(_ app: Application) async throws -> GuideImporter.Report {
    let library = try GuideLibrary.load(from: GuideImporter.defaultRoot(app))
    let report = try await GuideImporter(database: app.db).importLibrary(library)
    app.guidePageCache.removeAll()
    app.helpSearchCache.removeAll()
    return report
}
