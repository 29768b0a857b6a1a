import Fluent
import Foundation
import PortierDKIM
import ReferenceImplementations
import Testing
import Vapor
@testable import Portier

/// DKIM as an operator sets it up: `portier dkim generate`, the three variables, and every mail the
/// outbox sends carries a signature that a real verifier (dkimpy) accepts for the published record.
@Suite("Mail: DKIM signing")
struct MailDKIMTests {
    private struct Verdict: Decodable {
        let verified: Bool
        let reason: String?
    }

    /// Runs `portier dkim generate` into a temporary folder; returns the key file and what it printed.
    private func generate(ed25519: Bool, in app: Application) async throws -> (file: String, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portier-dkim-\(UUID().uuidString)/portier.pem").path
        let console = RecordingConsole()
        var arguments = ["portier", "generate", "--domain", "portier.example.se", "--selector", "s2026", "--output", file]
        if ed25519 { arguments.append("--ed25519") }
        var command = CommandContext(console: console, input: CommandInput(arguments: arguments))
        command.application = app
        try await DKIMCommand().run(using: &command)
        return (file, console.text)
    }

    @Test("Mail leaves signed: dkimpy verifies it against the printed record; an altered copy fails", arguments: [false, true])
    func signedMailVerifies(ed25519: Bool) async throws {
        var generated: (file: String, output: String)?
        try await withPortierApp { context in generated = try await generate(ed25519: ed25519, in: context.app) }
        let (file, output) = try #require(generated)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        let record = try #require(output.split(separator: "\n").first { $0.contains("_domainkey") })
        let value = String(record.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element).joined())
        #expect(value.hasPrefix(ed25519 ? "v=DKIM1; k=ed25519; p=" : "v=DKIM1; k=rsa; p="))

        try await withPortierApp({
            $0.mailFrom = "Portier Kundtjänst <no-reply@portier.example.se>"
            $0.dkim = DKIMSettings(domain: "portier.example.se", selector: "s2026", privateKeyFile: file)
        }) { context in
            // dkimpy refuses a signature time in the future: the test clock starts in 2027.
            context.clock.advance(by: Date().timeIntervalSince(context.clock.now()))
            try await Fixtures.customer(context.app, name: "Åsa Öberg")
            let browser = TestBrowser(app: context.app)
            try await browser.get("/glomt-losenord")
            try await browser.post("/glomt-losenord", ["email": "kund@example.se"])
            #expect(try await context.app.mail.worker.runOnce() == 1)

            let directory = context.app.portier.configuration.mailDirectory
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".eml") })
            let message = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            #expect(String(decoding: message, as: UTF8.self).hasPrefix("DKIM-Signature: v=1; a=\(ed25519 ? "ed25519" : "rsa")-sha256;"))
            let verdict = try PythonReference.runJSON("dkim_verify.py", arguments: [value, "--name", "s2026._domainkey.portier.example.se"], input: message, as: Verdict.self)
            #expect(verdict.verified, "\(verdict.reason ?? "")")

            var altered = String(decoding: message, as: UTF8.self)
            altered = altered.replacingOccurrences(of: "=C3=85sa", with: "=C3=85ke")
            let tampered = try PythonReference.runJSON("dkim_verify.py", arguments: [value], input: Data(altered.utf8), as: Verdict.self)
            #expect(!tampered.verified)
        }
    }

    @Test("Half a DKIM configuration, an unreadable key or a short RSA key stops start-up naming the variable")
    func badConfiguration() async throws {
        #expect {
            try PortierConfiguration.load(from: ["PORTIER_DKIM_DOMAIN": "example.se"], environment: .development)
        } throws: { ($0 as? ConfigurationError)?.variable == "PORTIER_DKIM_SELECTOR" }

        let missing = DKIMSettings(domain: "example.se", selector: "s1", privateKeyFile: "/nonexistent/key.pem")
        #expect { try DKIMSigner.make(missing) } throws: { ($0 as? ConfigurationError)?.variable == "PORTIER_DKIM_PRIVATE_KEY_FILE" }

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portier-dkim-bad-\(UUID().uuidString).pem").path
        try "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n".write(toFile: file, atomically: true, encoding: .utf8)
        let garbage = DKIMSettings(domain: "example.se", selector: "s1", privateKeyFile: file)
        #expect { try DKIMSigner.make(garbage) } throws: { error in
            (error as? ConfigurationError)?.variable == "PORTIER_DKIM_PRIVATE_KEY_FILE" && !"\(error)".contains("bm90IGEga2V5")
        }
    }
}
