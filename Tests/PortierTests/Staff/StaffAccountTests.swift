import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// `portier staff create|list|disable` and the set-password link they print.
@Suite("Staff: accounts from the command line and the set-password link")
struct StaffAccountTests {
    private func run(_ app: Application, _ arguments: [String]) async throws -> String {
        let console = RecordingConsole()
        var command = CommandContext(console: console, input: CommandInput(arguments: ["portier"] + arguments))
        command.application = app
        try await StaffCommand().run(using: &command)
        return console.text
    }

    /// The path of the link printed by `staff create`.
    private func linkPath(in output: String) throws -> String {
        let range = try #require(output.range(of: #"http://[^\s]+/personal/losenord/[A-Za-z0-9_-]+"#, options: .regularExpression))
        return try #require(URL(string: String(output[range]))).path
    }

    @Test("create prints a one-time link; the member chooses a password with it (rules apply), once, then logs in with the second factor")
    func createAndSetPassword() async throws {
        try await withPortierApp { context in
            let output = try await run(context.app, ["create", "--email", " Anna@Portier.example.se ", "--name", "Anna Admin", "--role", "admin"])
            #expect(output.contains("Created staff member anna@portier.example.se (Anna Admin, admin)."))
            #expect(output.contains("valid 24 hours"))
            let member = try #require(try await StaffMember.find(email: "anna@portier.example.se", on: context.app.db))
            #expect(member.role == .admin)
            #expect(member.passwordHash == nil)
            let token = try #require(try await StaffPasswordToken.query(on: context.app.db).first())
            #expect(abs(token.expiresAt.timeIntervalSince(token.createdAt) - 24 * 3600) < 1)
            let path = try linkPath(in: output)
            // Only the hash is stored.
            #expect(token.tokenHash == TokenDigest.sha256Hex(String(path.split(separator: "/").last!)))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$email == "anna@portier.example.se").all().map(\.kind).sorted() == ["staff.created", "staff.password_link.created"])

            let browser = TestBrowser(app: context.app)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(page.body.string.contains("Anna Admin"))
            let weak = try await browser.post(path, ["password": "kort", "password_confirmation": "kort"])
            #expect(weak.status == .unprocessableEntity)
            let set = try await browser.post(path, ["password": Fixtures.password, "password_confirmation": Fixtures.password])
            #expect(set.headers.first(name: .location) == "/personal/logga-in?notice=password-changed")
            #expect(try await browser.get("/personal/logga-in?notice=password-changed").body.string.contains("Ditt lösenord är sparat"))

            // Single use.
            #expect(try await TestBrowser(app: context.app).get(path).status == .gone)
            let reuse = TestBrowser(app: context.app)
            try await reuse.get("/personal/logga-in")
            #expect(try await reuse.post(path, ["password": "ett annat långt lösenord 7", "password_confirmation": "ett annat långt lösenord 7"]).status == .gone)

            let login = try await StaffLoginTests.logIn(TestBrowser(app: context.app), email: "anna@portier.example.se")
            #expect(login.headers.first(name: .location) == "/personal/logga-in/aktivera")
            let saved = try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.password.set").first()
            #expect(saved?.staffID == member.id)
        }
    }

    @Test("An expired or unknown link, and a link of a member disabled since, opens nothing")
    func invalidLinks() async throws {
        try await withPortierApp { context in
            let output = try await run(context.app, ["create", "--email", "sara@portier.example.se", "--name", "Sara Support", "--role", "support", "--link-hours", "1"])
            let path = try linkPath(in: output)
            let browser = TestBrowser(app: context.app)
            #expect(try await browser.get("/personal/losenord/inte-en-riktig-lank").status == .gone)
            #expect(try await browser.get(path).status == .ok)
            context.clock.advance(by: 3601)
            #expect(try await browser.get(path).status == .gone)

            let second = try await run(context.app, ["create", "--email", "erik@portier.example.se", "--name", "Erik Editor", "--role", "editor"])
            _ = try await run(context.app, ["disable", "erik@portier.example.se"])
            #expect(try await browser.get(try linkPath(in: second)).status == .gone)
        }
    }

    @Test("list shows every member with role, status and two-step state; disable ends their sessions at once")
    func listAndDisable() async throws {
        try await withPortierApp { context in
            #expect(try await run(context.app, ["list"]).contains("No staff members yet"))
            try await StaffLoginTests.member(context.app, role: .support)
            _ = try await StaffLoginTests.enrol(context, TestBrowser(app: context.app))
            _ = try await run(context.app, ["create", "--email", "erik@portier.example.se", "--name", "Erik Editor", "--role", "editor"])

            let list = try await run(context.app, ["list"])
            let lines = list.split(separator: "\n").map(String.init)
            #expect(lines == [
                "anna@portier.example.se\tsupport\tAnna Admin\tactive\ttwo-step on",
                "erik@portier.example.se\teditor\tErik Editor\tno password yet\ttwo-step at next login",
            ])

            #expect(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .staff).count() == 1)
            let disabled = try await run(context.app, ["disable", "ANNA@portier.example.se"])
            #expect(disabled.contains("Disabled anna@portier.example.se"))
            #expect(try await AuthSession.query(on: context.app.db).filter(\.$subjectKind == .staff).count() == 0)
            #expect(try await run(context.app, ["list"]).contains("anna@portier.example.se\tsupport\tAnna Admin\tdisabled"))
            #expect(try await AuditEvent.query(on: context.app.db).filter(\.$kind == "staff.disabled").first()?.userAgent == "portier staff disable")
        }
    }

    @Test("Operator mistakes are one clear error each", arguments: [
        (["create", "--email", "anna@portier.example.se", "--name", "Anna", "--role", "boss"], "--role must be admin, support or editor"),
        (["create", "--email", "inte-en-adress", "--name", "Anna", "--role", "admin"], "--email must be an e-mail address"),
        (["create", "--email", "anna@portier.example.se", "--role", "admin"], "--name is required"),
        (["create", "--email", "anna@portier.example.se", "--name", "Anna", "--role", "admin", "--link-hours", "500"], "--link-hours must be"),
        (["create", "--email", "anna@portier.example.se", "--name", "Anna", "--role", "admin", "--language", "de"], "--language must be sv or en"),
        (["disable", "okand@portier.example.se"], "No staff member has the e-mail address okand@portier.example.se"),
    ])
    func mistakes(arguments: [String], message: String) async throws {
        try await withPortierApp { context in
            do {
                _ = try await run(context.app, arguments)
                Issue.record("\(arguments) succeeded")
            } catch let error as StaffCommandError {
                #expect(error.description.contains(message))
                #expect(!error.description.contains("\n"))
            }
            #expect(try await StaffMember.query(on: context.app.db).count() == 0)
        }
    }

    @Test("A second member with the same address is refused")
    func duplicate() async throws {
        try await withPortierApp { context in
            try await StaffLoginTests.member(context.app)
            await #expect(throws: StaffCommandError.self) {
                _ = try await run(context.app, ["create", "--email", "ANNA@portier.example.se", "--name", "Anna 2", "--role", "editor"])
            }
            #expect(try await StaffMember.query(on: context.app.db).count() == 1)
        }
    }

    @Test("The real program: --password-stdin applies the password rules; a mistake is one line on standard error")
    func program() async throws {
        guard let program = PortierProgram.locate() else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let environment = ["PORTIER_SECRET_KEY": "ZTJlLXRlc3RzLW9ubHktc2VjcmV0LWtleS0zMi1ieXRlcyE="]

        let weak = try await program.run(["staff", "create", "--email", "anna@portier.example.se", "--name", "Anna", "--role", "admin", "--password-stdin"], in: folder.url, environment: environment, input: "kort\n")
        #expect(weak.status != 0)
        #expect(weak.errorLines.count == 1)
        #expect(weak.errorLines.first?.contains("The password was refused") == true)

        let created = try await program.run(["staff", "create", "--email", "anna@portier.example.se", "--name", "Anna", "--role", "admin", "--password-stdin"], in: folder.url, environment: environment, input: Fixtures.password + "\n")
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("Created staff member anna@portier.example.se"))
        #expect(!created.standardOutput.contains("/personal/losenord/"))

        let list = try await program.run(["staff", "list"], in: folder.url, environment: environment)
        #expect(list.standardOutput.contains("anna@portier.example.se\tadmin\tAnna\tactive\ttwo-step at next login"))

        let unknown = try await program.run(["staff", "disable", "okand@portier.example.se"], in: folder.url, environment: environment)
        #expect(unknown.status != 0)
        #expect(unknown.errorLines == ["portier stopped: No staff member has the e-mail address okand@portier.example.se"])
    }
}
