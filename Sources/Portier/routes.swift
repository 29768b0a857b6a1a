import Vapor

/// Every route of Portier, grouped by feature. Paths live in `SitePath`.
func routes(_ app: Application) throws {
    try app.register(collection: SiteController())
    try app.register(collection: LoginController())
    try app.register(collection: RecoveryController())
    try app.register(collection: HelpCenterController())
    // Kundavdelningen
    try app.register(collection: DashboardController())
    try app.register(collection: ServicesController())
    try app.register(collection: InvoicesController())
    try app.register(collection: TicketsController())
    try app.register(collection: ContactDetailsController())
    // Benchmarks only: the same bytes as a guide page, from memory (bench/guide-vs-static).
    if let file = app.portier.configuration.benchBareRouteFile {
        try registerBenchBareRoute(app, file: file)
    }
}
