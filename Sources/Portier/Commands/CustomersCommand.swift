import Fluent
import Vapor

/// `portier customers create --email E --name N [--password-stdin] [--language sv|en] [--link-hours H]`
///
/// With `--password-stdin` the password is read from standard input (one line) and checked
/// against the password rules. Without it, a one-time link to set the password is printed; it
/// lives 24 hours unless `--link-hours` (1–168) says otherwise.
struct CustomersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String

        @Option(name: "email", help: "The e-mail address registered on the customer account")
        var email: String?

        @Option(name: "name", help: "The customer's name")
        var name: String?

        @Option(name: "language", help: "sv (default) or en")
        var language: String?

        @Flag(name: "password-stdin", help: "Read the password from standard input")
        var passwordFromStandardInput: Bool

        @Option(name: "link-hours", help: "How long the printed set-password link lives (1–168 hours, default 24)")
        var linkHours: Int?
    }

    static let defaultLinkHours = 24
    static let linkHoursRange = 1...168

    var help: String { "Manages customers: create" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else {
            throw CustomersCommandError.unknownAction(signature.action)
        }
        let app = context.application
        try await app.autoMigrate()
        let valid: CustomerCreation.Valid
        switch CustomerCreation.validate(email: signature.email, name: signature.name) {
        case .success(let checked): valid = checked
        case .failure(let problems):
            throw problems.contains(.invalidEmail) ? CustomersCommandError.invalidEmail : CustomersCommandError.missingName
        }
        let (email, name) = (valid.email, valid.name)
        let linkHours = signature.linkHours ?? Self.defaultLinkHours
        guard Self.linkHoursRange.contains(linkHours) else { throw CustomersCommandError.invalidLinkHours }
        let language = try signature.language.map { try Language(rawValue: $0).orThrow(CustomersCommandError.invalidLanguage) } ?? .default
        if try await Customer.find(email: email, on: app.db) != nil {
            throw CustomersCommandError.emailTaken(email)
        }

        let passwordHash = try await signature.passwordFromStandardInput ? hashPassword(fromStandardInputFor: email, app: app) : nil

        let now = app.portier.clock.now()
        let link: String?
        do {
            link = try await CustomerCreation(services: app.portier, database: app.db).create(
                email: email, name: name, language: language, passwordHash: passwordHash,
                linkLifetime: TimeInterval(linkHours * 3600)
            ) { customerID in
                AuditEvent(kind: .customerCreated, occurredAt: now, customerID: customerID, email: email, ipAddress: nil, userAgent: "portier customers create")
            }.setPasswordLink
        } catch CustomerCreation.Problem.emailTaken {
            throw CustomersCommandError.emailTaken(email)
        }
        context.console.printPlain("Created customer \(email) (\(name)).")
        if let link {
            context.console.printPlain("One-time link to set the password (valid \(linkHours) hours):")
            context.console.printPlain(link)
        }
    }
}

extension CustomersCommand {
    private func hashPassword(fromStandardInputFor email: String, app: Application) async throws -> String {
        let password = readLine(strippingNewline: true) ?? ""
        let problems = app.passwordPolicy.problems(password: password, email: email)
        guard problems.isEmpty else {
            throw CustomersCommandError.weakPassword(problems.map { app.catalogs.string($0.rawValue, language: .english) })
        }
        return try await app.passwordHasher.hash(password)
    }
}

enum CustomersCommandError: Error, CustomStringConvertible {
    case unknownAction(String)
    case invalidEmail
    case missingName
    case invalidLanguage
    case invalidLinkHours
    case emailTaken(String)
    case weakPassword([String])

    var description: String {
        switch self {
        case .unknownAction(let action): "Unknown action '\(action)'. Use: portier customers create --email E --name N [--password-stdin]"
        case .invalidEmail: "--email must be an e-mail address such as kund@example.se"
        case .missingName: "--name is required (one line, no control characters)"
        case .invalidLanguage: "--language must be sv or en"
        case .invalidLinkHours: "--link-hours must be a whole number from \(CustomersCommand.linkHoursRange.lowerBound) to \(CustomersCommand.linkHoursRange.upperBound)"
        case .emailTaken(let email): "A customer with the e-mail address \(email) already exists"
        case .weakPassword(let problems): "The password was refused: " + problems.joined(separator: " ")
        }
    }
}
