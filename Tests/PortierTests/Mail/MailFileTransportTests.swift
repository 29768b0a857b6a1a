import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Mail file transport and configuration")
struct MailFileTransportTests {
    @Test("writes the message to an .eml file and logs the recipient, subject and links")
    func writesFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portier-mail-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let logs = RecordingLogHandler()
        let transport = FileTransport(directory: directory, logger: logs.logger, clock: MailTestClock())
        let from = try MailAddress(parsing: "Portier <no-reply@example.se>")
        let rendered = try MIMEMessageRenderer().render(try SampleMail.make(), from: from, date: Date(), random: SystemRandomSource())

        try await transport.send(rendered)

        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(file.lastPathComponent.hasPrefix("20250114T090503.000Z-"))
        #expect(file.pathExtension == "eml")
        #expect(Array(try Data(contentsOf: file)) == rendered.bytes)
        #expect(logs.messages.first?.hasPrefix("mail to asa.oberg@kund.example.se: Återställ ditt lösenord (file)") == true)
        #expect(logs.messages.dropFirst().first?.hasPrefix("  https://portal.example.se/losenord/nytt?token=AbC-123_xyz") == true)
    }

    @Test("finds http(s) links without trailing punctuation")
    func links() {
        let text = "Öppna https://portal.example.se/a?token=x. Eller (http://example.se/b), <https://example.se/c> HTTP://EXAMPLE.SE/d httpx://nej"
        #expect(FileTransport.links(in: text) == [
            "https://portal.example.se/a?token=x", "http://example.se/b", "https://example.se/c", "HTTP://EXAMPLE.SE/d",
        ])
    }

    /// An application with only `app.portier` set, shut down on every path.
    func withBareApp(_ variables: [String: String], _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing, .createNew)
        do {
            app.portier = PortierServices(configuration: try PortierConfiguration.load(from: variables, environment: .testing))
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("configureMail picks the file transport without PORTIER_SMTP_URL")
    func fileByDefault() async throws {
        try await withBareApp([:]) { app in
            try configureMail(app)
            let transport = try #require(app.mail.transport as? FileTransport)
            #expect(transport.directory.path.hasSuffix("/var/mail"))
            #expect(app.mail.from == (try MailAddress(name: "Portier", email: "no-reply@localhost")))
        }
    }

    @Test("configureMail picks SMTP when PORTIER_SMTP_URL is set")
    func smtpWhenConfigured() async throws {
        try await withBareApp([
            "PORTIER_SMTP_URL": "smtps://portier:s3cret@mail.example.se",
            "PORTIER_BASE_URL": "https://portal.example.se",
            "PORTIER_MAIL_FROM": "Portier <no-reply@example.se>",
        ]) { app in
            try configureMail(app)
            let transport = try #require(app.mail.transport as? SMTPTransport)
            #expect(transport.configuration.host == "mail.example.se")
            #expect(transport.configuration.port == 465)
            #expect(transport.configuration.heloName == "portal.example.se")
        }
    }

    @Test("configureMail refuses an unusable sender or SMTP URL")
    func invalidSettings() async throws {
        try await withBareApp(["PORTIER_MAIL_FROM": "Portier <no-reply@exämpel.se>"]) { app in
            #expect(throws: MailError.self) { try configureMail(app) }
        }
        try await withBareApp(["PORTIER_SMTP_URL": "smtp://mail.example.se?starttls=sometimes"]) { app in
            #expect(throws: MailError.invalidSMTPURL("starttls must be required, opportunistic or never")) { try configureMail(app) }
        }
    }

    @Test("worker logs name the row and the error, never the body, subject or link")
    func logsStayClean() async throws {
        let logs = RecordingLogHandler()
        // Info and above, as in production: at debug level Fluent's own query log shows binds.
        logs.logLevel = .info
        try await withMailTestApp { app, transport in
            app.logger = logs.logger
            try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: app.portier.clock.now())
            await transport.fail()
            try await app.mail.worker.runOnce()
            await transport.succeed()
            (app.portier.clock as? MailTestClock)?.advance(by: 60)
            try await app.mail.worker.runOnce()
        }
        #expect(logs.messages.count >= 2)
        for line in logs.messages {
            #expect(!line.contains("token"))
            #expect(!line.contains("Återställ"))
            #expect(!line.contains("Hej Åsa"))
        }
    }
}
