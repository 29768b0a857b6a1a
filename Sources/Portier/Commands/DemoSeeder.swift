import Fluent
import Vapor

/// Development only: an empty database gets the demo customer `demo@example.se`, with
/// `PORTIER_DEMO_PASSWORD` or a generated password printed once. Production never seeds.
struct DemoSeeder {
    static let email = "demo@example.se"
    let app: Application

    func seedIfEmpty() async throws {
        let configuration = app.portier.configuration
        guard !configuration.isProduction else { return }
        if let existing = try await Customer.find(email: Self.email, on: app.db) {
            try await updatePasswordIfConfigured(existing)
            return
        }
        guard try await Customer.query(on: app.db).count() == 0 else { return }
        let password = configuration.demoPassword ?? app.portier.random.makeToken(byteCount: 12)
        let customer = Customer(email: Self.email, name: "Demo Kund", passwordHash: try await app.passwordHasher.hash(password))
        try await customer.create(on: app.db)
        app.logger.notice("Demo customer created: \(Self.email) / \(configuration.demoPassword == nil ? password : "(PORTIER_DEMO_PASSWORD)")")
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
