import Vapor

/// Every route of Portier, grouped by feature. Paths live in `SitePath`.
func routes(_ app: Application) throws {
    try app.register(collection: SiteController())
    try app.register(collection: LoginController())
    try app.register(collection: RecoveryController())
    try app.register(collection: CustomerAreaController())
}
