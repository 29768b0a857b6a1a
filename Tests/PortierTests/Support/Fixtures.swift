import Vapor
@testable import Portier

enum Fixtures {
    static let password = "korrekt häst batteri häftapparat"

    @discardableResult
    static func customer(_ app: Application, email: String = "kund@example.se", name: String = "Karin Kund", password: String? = Fixtures.password) async throws -> Customer {
        let hash = try await password.asyncMap { try await app.passwordHasher.hash($0) }
        let customer = Customer(email: email, name: name, passwordHash: hash)
        try await customer.create(on: app.db)
        return customer
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
