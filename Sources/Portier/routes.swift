import Vapor

/// Every route of Portier, grouped by feature. Paths live in `SitePath`.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: MetricsController())
    try app.register(collection: SiteController())
    try app.register(collection: LoginController())
    try app.register(collection: SecondFactorController())
    try app.register(collection: RecoveryController())
    try app.register(collection: HelpCenterController())
    try app.register(collection: EmailConfirmationController())
    // Kundavdelningen: only for a logged-in customer (CustomerAreaAccessTests walks every route).
    let customerArea = app.grouped(CustomerGuard())
    try customerArea.register(collection: DashboardController())
    try customerArea.register(collection: ServicesController())
    try customerArea.register(collection: InvoicesController())
    try customerArea.register(collection: TicketsController())
    try customerArea.register(collection: ContactDetailsController())
    try customerArea.register(collection: SecurityController())
}
