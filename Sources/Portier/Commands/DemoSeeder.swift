import Fluent
import Vapor

/// Development only: an empty database gets the demo customer `demo@example.se`, with
/// `PORTIER_DEMO_PASSWORD` or a generated password printed once, and a realistic set of
/// services, invoices and tickets (`CustomerAreaDemoData`). Production never seeds.
struct DemoSeeder {
    static let email = "demo@example.se"
    let app: Application

    func seedIfEmpty() async throws {
        let configuration = app.portier.configuration
        guard !configuration.isProduction else { return }
        if let existing = try await Customer.find(email: Self.email, on: app.db) {
            try await updatePasswordIfConfigured(existing)
            try await seedCustomerArea(for: existing)
            return
        }
        guard try await Customer.query(on: app.db).count() == 0 else { return }
        let password = configuration.demoPassword ?? app.portier.random.makeToken(byteCount: 12)
        let customer = Customer(email: Self.email, name: "Demo Kund", passwordHash: try await app.passwordHasher.hash(password))
        try await customer.create(on: app.db)
        app.logger.notice("Demo customer created: \(Self.email) / \(configuration.demoPassword == nil ? password : "(PORTIER_DEMO_PASSWORD)")")
        try await seedCustomerArea(for: customer)
    }

    /// Services, invoices and tickets for the demo customer; nothing when they are there already.
    private func seedCustomerArea(for customer: Customer) async throws {
        let demo = CustomerAreaDemoData(database: app.db, catalogs: app.catalogs, now: app.portier.clock.now())
        if try await demo.seed(for: customer) {
            app.logger.notice("Demo customer \(Self.email): services, invoices and tickets added")
        }
    }

    private func updatePasswordIfConfigured(_ customer: Customer) async throws {
        guard let password = app.portier.configuration.demoPassword else {
            app.logger.notice("Demo customer: \(Self.email) (password as printed when it was created, or set PORTIER_DEMO_PASSWORD)")
            return
        }
        if let hash = customer.passwordHash, try await app.passwordHasher.verify(password, against: hash) { return }
        customer.passwordHash = try await app.passwordHasher.hash(password)
        try await customer.update(on: app.db)
        app.logger.notice("Demo customer \(Self.email): password set from PORTIER_DEMO_PASSWORD")
    }
}
