import Fluent
import Vapor

/// `portier demo seed --email E`: gives an existing customer the demo set of the development seed
/// (a hosting plan, two domains, an e-mail package, paid/unpaid/overdue invoices, an open and a
/// closed ticket). Running it again changes nothing. Refused in production.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "seed")
        var action: String

        @Option(name: "email", help: "The e-mail address of an existing customer")
        var email: String?
    }

    var help: String { "Adds demo services, invoices and tickets to a customer (not in production)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "seed" else { throw DemoCommandError.unknownAction(signature.action) }
        let app = context.application
        guard !app.portier.configuration.isProduction else { throw DemoCommandError.production }
        guard let email = signature.email, !email.isEmpty else { throw DemoCommandError.missingEmail }
        try await app.autoMigrate()
        guard let customer = try await Customer.find(email: email, on: app.db) else {
            throw DemoCommandError.unknownCustomer(Customer.normalizedEmail(email))
        }
        let demo = CustomerAreaDemoData(database: app.db, catalogs: app.catalogs, now: app.portier.clock.now())
        if try await demo.seed(for: customer) {
            context.console.printPlain("Added demo services, invoices and tickets to \(customer.email).")
        } else {
            context.console.printPlain("\(customer.email) already has the demo data; nothing changed.")
        }
    }
}

enum DemoCommandError: Error, CustomStringConvertible {
    case unknownAction(String)
    case production
    case missingEmail
    case unknownCustomer(String)

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier demo seed --email E"
        case .production: "Demo data is never added in production."
        case .missingEmail: "--email is required: the address of an existing customer"
        case .unknownCustomer(let email): "No customer has the e-mail address \(email) (create one with portier customers create)"
        }
    }
}
