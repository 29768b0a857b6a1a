import Foundation
import Testing
@testable import Portier

/// An operator's mistake gets one clear line on standard error and a `sysexits.h` status from the
/// real program, never a crash report.
@Suite("Operations: operator mistakes")
struct OperatorMistakeTests {
    @Test("A bad value names its variable and exits with EX_CONFIG (78)")
    func badValue() async throws {
        guard let program = PortierProgram.locate() else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        let outcome = try await program.run(["serve"], in: folder.url, environment: ["PORTIER_RESET_TOKEN_TTL": "20"])

        #expect(outcome.status == 78)
        #expect(outcome.errorLines == ["Invalid configuration: PORTIER_RESET_TOKEN_TTL must be a whole number from 60 to 86400, got '20'"])
        #expect(!outcome.standardOutput.contains("Fatal error"))
    }

    @Test("An unknown command lists the commands and exits with EX_USAGE (64)")
    func unknownCommand() async throws {
        guard let program = PortierProgram.locate() else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        let outcome = try await program.run(["payroll"], in: folder.url)

        #expect(outcome.status == 64)
        #expect(outcome.errorLines.count == 1)
        let line = try #require(outcome.errorLines.first)
        #expect(line.hasPrefix("Unknown command 'payroll'. Commands: "))
        #expect(["customers", "guides", "migrate", "outbox", "serve", "staff", "tickets"].allSatisfy(line.contains))
        #expect(!outcome.standardOutput.contains("Fatal error"))
    }

    @Test("Started from another folder, the program finds its resources beside itself")
    func anotherWorkingDirectory() async throws {
        guard let program = PortierProgram.locate() else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        let outcome = try await program.run(["routes"], in: folder.url)

        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("/hjalp/sok"))
    }

    @Test("A resources folder that is not one says where it looked and exits with EX_CONFIG (78)")
    func wrongResourcesFolder() async throws {
        guard let program = PortierProgram.locate() else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }

        let outcome = try await program.run(["routes"], in: folder.url, environment: ["PORTIER_RESOURCES_DIR": folder.url.path])

        #expect(outcome.status == 78)
        #expect(outcome.errorLines == ["Invalid configuration: PORTIER_RESOURCES_DIR must name Portier's Resources folder (with Views/, Localization/ and Security/common-passwords.txt); '\(folder.url.path)' has no Security/common-passwords.txt"])
    }

    @Test("Without resources anywhere, the one line names the folders searched and the setting")
    func resourcesNowhere() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let program = folder.url.appendingPathComponent("opt/portier/bin/portier").path

        let error = #expect(throws: ResourcesNotFoundError.self) {
            try ResourceLocation.resolve(configured: nil, workingDirectory: folder.url.path, programPath: program)
        }

        let line = try #require(error).description
        #expect(!line.contains("\n"))
        #expect(line.contains("no Security/common-passwords.txt in \(folder.url.path)/Resources/ (the working directory)"))
        #expect(line.contains("\(folder.url.path)/opt/portier/bin/Resources/"))
        #expect(line.contains("PORTIER_RESOURCES_DIR"))
    }

    @Test("A packaged install finds Resources and Public beside its bin folder")
    func packagedInstall() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = folder.url.appendingPathComponent("opt/portier")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Resources/Security"), withIntermediateDirectories: true)
        try Data("hemligt\n".utf8).write(to: root.appendingPathComponent("Resources/Security/common-passwords.txt"))
        let elsewhere = folder.url.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)

        let location = try ResourceLocation.resolve(configured: nil, workingDirectory: elsewhere.path, programPath: root.appendingPathComponent("bin/portier").path)

        #expect(location.resourcesDirectory == root.appendingPathComponent("Resources").path + "/")
        #expect(location.publicDirectory == root.appendingPathComponent("Public").path + "/")
    }
}
