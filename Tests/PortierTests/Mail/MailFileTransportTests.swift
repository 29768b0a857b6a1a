import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Mail file transport and configuration")
struct MailFileTransportTests {
    @Test("writes the message to an .eml file and logs the recipient, subject and links")
    func writesFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portier-mail-\(UUID().uuidString)")
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

    @Test("configureMail picks the file transport without PORTIER_SMTP_URL")
    func fileByDefault() async throws {
        let app = try await Application.make(.testing)
        app.portier = PortierServices(configuration: try PortierConfiguration.load(from: [:], environment: .testing))
        try configureMail(app)
        let transport = try #require(app.mail.transport as? FileTransport)
        #expect(transport.directory.path.hasSuffix("/var/mail"))
        #expect(app.mail.from == (try MailAddress(name: "Portier", email: "no-reply@localhost")))
        try await app.asyncShutdown()
    }

    @Test("configureMail picks SMTP when PORTIER_SMTP_URL is set")
    func smtpWhenConfigured() async throws {
        let app = try await Application.make(.testing)
        let configuration = try PortierConfiguration.load(from: [
            "PORTIER_SMTP_URL": "smtps://portier:s3cret@mail.example.se",
            "PORTIER_BASE_URL": "https://portal.example.se",
            "PORTIER_MAIL_FROM": "Portier <no-reply@example.se>",
        ], environment: .testing)
        app.portier = PortierServices(configuration: configuration)
        do {
            try configureMail(app)
            let transport = try #require(app.mail.transport as? SMTPTransport)
            #expect(transport.configuration.host == "mail.example.se")
            #expect(transport.configuration.port == 465)
            #expect(transport.configuration.heloName == "portal.example.se")
        } catch {
            Issue.record(error)
        }
        try await app.asyncShutdown()
    }

    @Test("configureMail refuses an unusable sender")
    func invalidSender() async throws {
        let app = try await Application.make(.testing)
        let configuration = try PortierConfiguration.load(from: ["PORTIER_MAIL_FROM": "Portier <no-reply@exämpel.se>"], environment: .testing)
        app.portier = PortierServices(configuration: configuration)
        #expect(throws: MailError.self) { try configureMail(app) }
        try await app.asyncShutdown()
    }

    @Test("worker logs name the row and the error, never the body, subject or link")
    func logsStayClean() async throws {
        let logs = RecordingLogHandler()
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
