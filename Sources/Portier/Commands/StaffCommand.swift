import Fluent
import Vapor

/// `portier staff create --email E --name N --role admin|support|editor [--password-stdin] [--language sv|en] [--link-hours H]`,
/// `portier staff list`, `portier staff disable E`.
///
/// With `--password-stdin` the password is read from standard input (one line) and checked
/// against the password rules. Without it, a one-time link to set the password is printed (24
/// hours unless `--link-hours` says otherwise). Either way the new member sets up an
/// authenticator app at their first login.
struct StaffCommand: AsyncCommandGroup {
    var help: String { "Manages staff members: create, list, disable" }
    var commands: [String: any AnyAsyncCommand] {
        ["create": StaffCreateCommand(), "list": StaffListCommand(), "disable": StaffDisableCommand()]
    }
}

struct StaffCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The staff member's e-mail address")
        var email: String?

        @Option(name: "name", help: "The staff member's name")
        var name: String?

        @Option(name: "role", help: "admin, support or editor")
        var role: String?

        @Option(name: "language", help: "sv (default) or en")
        var language: String?

        @Flag(name: "password-stdin", help: "Read the password from standard input")
        var passwordFromStandardInput: Bool

        @Option(name: "link-hours", help: "How long the printed set-password link lives (1–168 hours, default 24)")
        var linkHours: Int?
    }

    var help: String { "Creates a staff member" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        try await create(context, signature)
    }

    private func create(_ context: CommandContext, _ signature: Signature) async throws {
        let app = context.application
        guard let role = signature.role.flatMap(StaffRole.init(rawValue:)) else { throw StaffCommandError.invalidRole }
        let linkHours = signature.linkHours ?? CustomersCommand.defaultLinkHours
        guard CustomersCommand.linkHoursRange.contains(linkHours) else { throw StaffCommandError.invalidLinkHours }
        let language = try signature.language.map { try Language(rawValue: $0).orThrow(StaffCommandError.invalidLanguage) } ?? .default
        let accounts = StaffAccounts(application: app)
        let (email, name): (String, String)
        switch try await accounts.validate(email: signature.email, name: signature.name) {
        case .success(let valid): (email, name) = valid
        case .failure(.invalidEmail): throw StaffCommandError.invalidEmail
        case .failure(.missingName): throw StaffCommandError.missingName
        case .failure(.emailTaken): throw StaffCommandError.emailTaken(Customer.normalizedEmail(signature.email ?? ""))
        }
        var passwordHash: String?
        if signature.passwordFromStandardInput {
            let password = readLine(strippingNewline: true) ?? ""
            let problems = app.passwordPolicy.problems(password: password, email: email)
            guard problems.isEmpty else {
                throw StaffCommandError.weakPassword(problems.map { app.catalogs.string($0.rawValue, language: .english) })
            }
            passwordHash = try await app.passwordHasher.hash(password)
        }
        let (_, token) = try await accounts.create(
            email: email, name: name, role: role, language: language, passwordHash: passwordHash,
            actor: .command("create", now: app.portier.clock.now()), mailLink: false, linkLifetime: TimeInterval(linkHours * 3600)
        )
        context.console.printPlain("Created staff member \(email) (\(name), \(role.rawValue)).")
        if let token {
            context.console.printPlain("One-time link to set the password (valid \(linkHours) hours):")
            context.console.printPlain(accounts.link(for: token))
        }
        context.console.printPlain("Two-step verification is set up at the first login.")
    }
}

struct StaffListCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Lists the staff members: e-mail, role, name, status, two-step" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        try await list(context)
    }

    private func list(_ context: CommandContext) async throws {
        let app = context.application
        let members = try await StaffMember.query(on: app.db).sort(\.$email).all()
        guard !members.isEmpty else {
            context.console.printPlain("No staff members yet. Create the first admin: portier staff create --email E --name N --role admin")
            return
        }
        let enrolled = try await TOTPCredential.query(on: app.db)
            .filter(\.$subjectKind == .staff)
            .filter(\.$confirmedAt != nil)
            .all()
        let enrolledIDs = Set(enrolled.map(\.subjectID))
        for member in members {
            let status = member.isDisabled ? "disabled" : (member.passwordHash == nil ? "no password yet" : "active")
            let twoStep = member.id.map(enrolledIDs.contains) == true ? "two-step on" : "two-step at next login"
            context.console.printPlain([member.email, member.role.rawValue, member.name, status, twoStep].joined(separator: "\t"))
        }
    }
}

struct StaffDisableCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "email", help: "The staff member's e-mail address")
        var email: String
    }

    var help: String { "Disables a staff member and ends their sessions" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.autoMigrate()
        try await disable(context, email: signature.email)
    }

    private func disable(_ context: CommandContext, email: String) async throws {
        let app = context.application
        guard !email.isEmpty else { throw StaffCommandError.missingTarget }
        guard let member = try await StaffMember.find(email: email, on: app.db) else {
            throw StaffCommandError.unknownStaff(Customer.normalizedEmail(email))
        }
        guard !member.isDisabled else {
            context.console.printPlain("\(member.email) is already disabled.")
            return
        }
        try await StaffAccounts(application: app).setDisabled(true, member: member, actor: .command("disable", now: app.portier.clock.now()))
        context.console.printPlain("Disabled \(member.email); their sessions have ended.")
    }
}

enum StaffCommandError: Error, CustomStringConvertible {
    case invalidEmail
    case missingName
    case invalidRole
    case invalidLanguage
    case invalidLinkHours
    case emailTaken(String)
    case weakPassword([String])
    case missingTarget
    case unknownStaff(String)

    var description: String {
        switch self {
        case .invalidEmail: "--email must be an e-mail address such as anna@example.se"
        case .missingName: "--name is required (one line, no control characters)"
        case .invalidRole: "--role must be admin, support or editor"
        case .invalidLanguage: "--language must be sv or en"
        case .invalidLinkHours: "--link-hours must be a whole number from \(CustomersCommand.linkHoursRange.lowerBound) to \(CustomersCommand.linkHoursRange.upperBound)"
        case .emailTaken(let email): "A staff member with the e-mail address \(email) already exists"
        case .weakPassword(let problems): "The password was refused: " + problems.joined(separator: " ")
        case .missingTarget: "Name the staff member: portier staff disable anna@example.se"
        case .unknownStaff(let email): "No staff member has the e-mail address \(email)"
        }
    }
}
