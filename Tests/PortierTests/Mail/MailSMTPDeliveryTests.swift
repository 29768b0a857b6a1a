import Fluent
import Foundation
import NIOCore
import NIOPosix
import Testing
import Vapor
@testable import Portier

/// Delivery over real sockets. Tests that need `tests/smtp_sink.py` are skipped (and say so)
/// unless the runner provides one (`PORTIER_TEST_SMTP_PORT` + `PORTIER_TEST_SMTP_DIR`) or
/// `python3 -c "import aiosmtpd"` works so the test can spawn its own.
@Suite("SMTP delivery")
struct MailSMTPDeliveryTests {
    let from: MailAddress
    let date = Date(timeIntervalSince1970: 1_736_845_503)

    init() throws {
        from = try MailAddress(parsing: "Portier Kundtjänst <no-reply@portier.example.se>")
    }

    func render(_ mail: OutgoingMail, marker: String = UUID().uuidString) throws -> RenderedMail {
        try MIMEMessageRenderer().render(
            mail, from: from, messageID: "<\(marker)@portier.example.se>", date: date, boundary: "=_portier_\(marker)"
        )
    }

    func plainTransport(port: Int) throws -> SMTPTransport {
        try SMTPTransport(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, security: .none, heloName: "portier.test"))
    }

    @Test(
        "a Swedish multipart message arrives byte for byte, dot lines intact",
        .enabled(if: SMTPSink.isAvailable, "needs tests/smtp_sink.py: PORTIER_TEST_SMTP_PORT/_DIR, or python3 with aiosmtpd")
    )
    func deliversByteForByte() async throws {
        let sink = try await SMTPSink.make()
        defer { sink.stop() }
        let mail = try SampleMail.make()
        let rendered = try render(mail)
        let text = String(decoding: rendered.bytes, as: UTF8.self)
        #expect(text.contains("\r\n.\r\n"))
        #expect(text.contains("\r\n.punkt"))
        #expect(text.contains("\r\n..tv"))

        try await plainTransport(port: sink.port).send(rendered)

        let received = try sink.messages(containing: rendered.messageID)
        #expect(received.count == 1)
        let bytes = try #require(received.first)
        #expect(bytes == rendered.bytes)

        let message = String(decoding: bytes, as: UTF8.self)
        let headers = MIMETestDecoding.headers(of: message)
        #expect(headers["Subject"] == "=?UTF-8?B?w4V0ZXJzdMOkbGwgZGl0dCBsw7ZzZW5vcmQ=?=")
        #expect(MIMETestDecoding.decodeHeaderValue(headers["Subject"] ?? "") == "Återställ ditt lösenord")
        #expect(headers["Date"] == "Tue, 14 Jan 2025 09:05:03 +0000")
        #expect(headers["Message-ID"] == rendered.messageID)
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Language"] == "sv")
        #expect(headers["From"]?.hasSuffix("<no-reply@portier.example.se>") == true)
        #expect(headers["To"]?.hasSuffix("<asa.oberg@kund.example.se>") == true)
        let parts = MIMETestDecoding.parts(of: message, boundary: "=_portier_" + rendered.messageID.dropFirst().prefix { $0 != "@" })
        #expect(parts.count == 2)
        #expect(parts.first?.body == MIMETestDecoding.crlf(mail.textBody))
        #expect(parts.last?.body == MIMETestDecoding.crlf(mail.htmlBody))

        if SMTPSink.canSpawn {
            // A second, independent reader: Python's email package.
            let parsed = try SMTPSink.parseWithPython(bytes)
            #expect(parsed["subject"] as? String == "Återställ ditt lösenord")
            #expect(parsed["from"] as? String == "Portier Kundtjänst <no-reply@portier.example.se>")
            #expect(parsed["to"] as? String == "Åsa Öberg <asa.oberg@kund.example.se>")
            #expect(parsed["language"] as? String == "sv")
            #expect(parsed["content_type"] as? String == "multipart/alternative")
            #expect(parsed["parts"] as? [String] == ["text/plain", "text/html"])
            #expect((parsed["text"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n") == mail.textBody)
            #expect((parsed["html"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n") == mail.htmlBody)
            #expect(parsed["defects"] as? Int == 0)
        }
        if SMTPSink.external == nil {
            let envelope = try #require(try sink.envelopes().first)
            #expect(envelope["mail_from"] as? String == "no-reply@portier.example.se")
            #expect(envelope["rcpt_tos"] as? [String] == ["asa.oberg@kund.example.se"])
        }
    }

    @Test(
        "outage: the row waits with last_error, then is delivered exactly once",
        .enabled(if: SMTPSink.isAvailable, "needs tests/smtp_sink.py: PORTIER_TEST_SMTP_PORT/_DIR, or python3 with aiosmtpd")
    )
    func outageThenDelivery() async throws {
        let clock = MailTestClock()
        try await withMailTestApp(clock: clock) { app, _ in
            let id = try await Outbox.enqueue(try SampleMail.make(), on: app.db, now: clock.now())
            try await withClosedPort { port in
                app.mail.transport = try plainTransport(port: port)
                #expect(try await app.mail.worker.runOnce() == 1)
            }
            var row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .queued)
            #expect(row.attempts == 1)
            #expect(row.lastError?.hasPrefix("SMTP connect failed: cannot connect to 127.0.0.1:") == true)
            let messageID = try #require(row.messageID)

            let sink = try await SMTPSink.make()
            defer { sink.stop() }
            app.mail.transport = try plainTransport(port: sink.port)
            #expect(try await app.mail.worker.runOnce() == 0)  // not due yet
            clock.advance(by: 31)
            #expect(try await app.mail.worker.runOnce() == 1)
            #expect(try await app.mail.worker.runOnce() == 0)

            row = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(row.status == .sent)
            #expect(row.sentAt == clock.now())
            #expect(try sink.messages(containing: messageID).count == 1)
        }
    }

    @Test(
        "AUTH PLAIN and AUTH LOGIN with the sink's credentials",
        .enabled(if: SMTPSink.canSpawn, "needs python3 with aiosmtpd to start an authenticating sink"),
        arguments: [[], ["PLAIN"]]
    )
    func authenticates(excluded: [String]) async throws {
        let sink = try await SMTPSink.spawn(auth: true, excludingMechanisms: excluded)
        defer { sink.stop() }
        let transport = try SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://portier:s3cret@127.0.0.1:\(sink.port)?starttls=never"))
        let rendered = try render(try SampleMail.make())
        try await transport.send(rendered)
        #expect(try sink.messages() == [rendered.bytes])
        #expect(try sink.envelopes().first?["auth_login"] as? String == "portier")
    }

    @Test(
        "a wrong password is reported with the server's code, never with the password",
        .enabled(if: SMTPSink.canSpawn, "needs python3 with aiosmtpd to start an authenticating sink"),
        arguments: [[], ["PLAIN"]]
    )
    func wrongPassword(excluded: [String]) async throws {
        let sink = try await SMTPSink.spawn(auth: true, excludingMechanisms: excluded)
        defer { sink.stop() }
        let password = "fel-L0senord"
        let transport = try SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://portier:\(password)@127.0.0.1:\(sink.port)?starttls=never"))
        do {
            try await transport.send(try render(try SampleMail.make()))
            Issue.record("a wrong password was accepted")
        } catch let error as SMTPError {
            #expect(error.stage == "AUTH")
            #expect(error.kind == .rejected)
            #expect(error.code == 535)
            let text = String(describing: error)
            #expect(!text.contains(password))
            #expect(!text.contains(Data(password.utf8).base64EncodedString()))
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test(
        "without STARTTLS: required fails, opportunistic will not send a password in clear text",
        .enabled(if: SMTPSink.canSpawn, "needs python3 with aiosmtpd to start a sink")
    )
    func startTLSMissing() async throws {
        let sink = try await SMTPSink.spawn(auth: true)
        defer { sink.stop() }
        let rendered = try render(try SampleMail.make())

        let required = try SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://portier:s3cret@127.0.0.1:\(sink.port)?starttls=required"))
        await #expect(throws: SMTPError(stage: "STARTTLS", kind: .tls, message: "the server does not offer STARTTLS (starttls=opportunistic or never allows plain text)")) {
            try await required.send(rendered)
        }
        let opportunistic = try SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://portier:s3cret@127.0.0.1:\(sink.port)?starttls=opportunistic"))
        do {
            try await opportunistic.send(rendered)
            Issue.record("sent a password without TLS")
        } catch let error as SMTPError {
            #expect(error.kind == .authenticationUnavailable)
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test(
        "STARTTLS and implicit TLS with a self-signed certificate: refused by default, accepted with tls_verify=false",
        .enabled(if: SMTPSink.hasOpenSSL, "needs python3 with aiosmtpd and openssl"),
        arguments: ["starttls", "implicit"]
    )
    func tls(mode: String) async throws {
        let (certificate, key) = try SMTPSink.makeSelfSignedCertificate()
        defer { try? FileManager.default.removeItem(at: certificate.deletingLastPathComponent()) }
        let sink = try await SMTPSink.spawn(auth: true, tls: (certificate, key, mode))
        defer { sink.stop() }
        let scheme = mode == "implicit" ? "smtps" : "smtp"
        let query = mode == "implicit" ? "" : "?starttls=required"
        let rendered = try render(try SampleMail.make())

        let verifying = try SMTPTransport(configuration: try SMTPConfiguration.parse("\(scheme)://portier:s3cret@localhost:\(sink.port)\(query)"))
        do {
            try await verifying.send(rendered)
            Issue.record("a self-signed certificate was trusted")
        } catch let error as SMTPError {
            #expect(error.kind == .tls)
        }
        #expect(try sink.messages().isEmpty)

        let separator = query.isEmpty ? "?" : "&"
        let trusting = try SMTPTransport(configuration: try SMTPConfiguration.parse("\(scheme)://portier:s3cret@localhost:\(sink.port)\(query)\(separator)tls_verify=false"))
        try await trusting.send(rendered)
        #expect(try sink.messages() == [rendered.bytes])
        let envelope = try #require(try sink.envelopes().first)
        #expect(envelope["tls"] as? Bool == true)
        #expect(envelope["auth_login"] as? String == "portier")
    }

    @Test("a server that never answers times out")
    func replyTimeout() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let transport = try SMTPTransport(configuration: SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .none, replyTimeout: .milliseconds(300)
        ))
        // The error names the configured 300 ms, so the configured limit (not a default) fired;
        // no wall-clock assertion, which would be flaky on a loaded machine.
        await #expect(throws: SMTPError(stage: "greeting", kind: .timeout, message: "no reply within 300 ms")) {
            try await transport.send(try render(try SampleMail.make()))
        }
        try await server.close()
    }

    @Test("a closed port is a connection failure")
    func connectionRefused() async throws {
        try await withClosedPort { port in
            do {
                try await plainTransport(port: port).send(try render(try SampleMail.make()))
                Issue.record("sent to a closed port")
            } catch let error as SMTPError {
                #expect(error.stage == "connect")
                #expect(error.kind == .connectionFailed)
            }
        }
    }

    /// A port nothing listens on while `body` runs: bound but never listening, so a connect is
    /// refused and no other test's server can be given the port meanwhile.
    func withClosedPort(_ body: (Int) async throws -> Void) async throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        try await body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
