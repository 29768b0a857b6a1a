import Foundation
import NIOCore
import Vapor
import Testing
@testable import Portier

@Suite("SMTP protocol pieces")
struct MailSMTPProtocolTests {
    // MARK: Dot-stuffing

    @Test("lines starting with '.' get a second '.', and the data ends with CRLF.CRLF")
    func dotStuffing() {
        func encode(_ text: String) -> String {
            String(decoding: SMTPDataEncoding.encode(Array(text.utf8)), as: UTF8.self)
        }
        #expect(encode(".hej\r\n") == "..hej\r\n.\r\n")
        #expect(encode("a\r\n.\r\nb\r\n") == "a\r\n..\r\nb\r\n.\r\n")
        #expect(encode("a\r\n..two\r\n") == "a\r\n...two\r\n.\r\n")
        #expect(encode("a.b\r\n") == "a.b\r\n.\r\n")
        #expect(encode("no final newline") == "no final newline\r\n.\r\n")
        #expect(encode("") == ".\r\n")
    }

    @Test("bare LF and bare CR become CRLF before dot-stuffing")
    func lineEndingNormalisation() {
        let encoded = String(decoding: SMTPDataEncoding.encode(Array("a\n.b\r.c\r\n\n.".utf8)), as: UTF8.self)
        #expect(encoded == "a\r\n..b\r\n..c\r\n\r\n..\r\n.\r\n")
    }

    // MARK: URL parsing

    @Test("smtp:// with credentials, port and STARTTLS mode")
    func parseFull() throws {
        let configuration = try SMTPConfiguration.parse("smtp://user%40example.se:p%40ss%2Fw%3Ard@mail.example.se:2525?starttls=opportunistic")
        #expect(configuration.host == "mail.example.se")
        #expect(configuration.port == 2525)
        #expect(configuration.username == "user@example.se")
        #expect(configuration.password == "p@ss/w:rd")
        #expect(configuration.security == .startTLS(isRequired: false))
        #expect(configuration.tlsVerification == .full)
        #expect(configuration.heloName == nil)
    }

    @Test("default ports and security", arguments: [
        ("smtp://mail.example.se", 587, SMTPConfiguration.Security.startTLS(isRequired: true)),
        ("smtp://mail.example.se?starttls=required", 587, .startTLS(isRequired: true)),
        ("smtp://mail.example.se?starttls=never", 25, .none),
        ("smtps://mail.example.se", 465, .implicitTLS),
        ("SMTPS://mail.example.se:2465", 2465, .implicitTLS),
        ("smtp://127.0.0.1:1025?starttls=never", 1025, .none),
    ])
    func parseDefaults(url: String, port: Int, security: SMTPConfiguration.Security) throws {
        let configuration = try SMTPConfiguration.parse(url)
        #expect(configuration.port == port)
        #expect(configuration.security == security)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
    }

    @Test("tls_verify=false and helo")
    func parseOptions() throws {
        let configuration = try SMTPConfiguration.parse("smtps://localhost:2465?tls_verify=false&helo=portal.example.se")
        #expect(configuration.tlsVerification == .none)
        #expect(configuration.heloName == "portal.example.se")
        #expect(try SMTPConfiguration.parse("smtp://[::1]:25?starttls=never").host == "::1")
    }

    @Test("unusable URLs are refused without repeating the password", arguments: [
        "http://user:hemligt@mail.example.se",
        "smtp://user:hemligt@",
        "smtp://user:hemligt@mail.example.se?starttls=maybe",
        "smtp://user:hemligt@mail.example.se?tls=off",
        "smtps://user:hemligt@mail.example.se?starttls=required",
        "smtp://user:hemligt@mail.example.se/path",
        "smtp://user:hemligt@mail.example.se:0",
        "smtp://user:hemligt@mail.example.se?helo=a%0D%0AMAIL",
        "smtp://:hemligt@mail.example.se",
        "smtp://user:hemligt@mail.example.se\r\n",
    ])
    func parseInvalid(url: String) {
        do {
            _ = try SMTPConfiguration.parse(url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error is MailError)
            #expect(!String(describing: error).contains("hemligt"))
        }
    }

    @Test("the description leaves the password out")
    func description() throws {
        let configuration = try SMTPConfiguration.parse("smtp://portier:s3cret@mail.example.se?starttls=required")
        #expect(!configuration.description.contains("s3cret"))
        #expect(configuration.description.contains("portier:***@mail.example.se:587"))
    }

    @Test("EHLO names for hosts")
    func heloNames() {
        #expect(SMTPConfiguration.heloName(forHost: "portal.example.se") == "portal.example.se")
        #expect(SMTPConfiguration.heloName(forHost: "127.0.0.1") == "[127.0.0.1]")
        #expect(SMTPConfiguration.heloName(forHost: "::1") == "[IPv6:::1]")
    }

    // MARK: Replies

    @Test("multi-line replies arrive whole, across reads")
    func multiLineReply() throws {
        let channel = EmbeddedChannel(handler: SMTPReplyHandler())
        let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
        let reply = handler.nextReply(on: channel.eventLoop)
        try channel.writeInbound(ByteBuffer(string: "250-mail.example.se Hej\r\n250-PIPELINING\r\n250-STARTT"))
        var result: SMTPReply?
        reply.whenSuccess { result = $0 }
        #expect(result == nil)
        try channel.writeInbound(ByteBuffer(string: "LS\r\n250-AUTH=LOGIN\r\n250 AUTH PLAIN login\r\n220 next\r\n"))
        #expect(result == SMTPReply(code: 250, lines: ["mail.example.se Hej", "PIPELINING", "STARTTLS", "AUTH=LOGIN", "AUTH PLAIN login"]))
        #expect(handler.hasUnreadInput)

        let capabilities = SMTPCapabilities(ehloReply: try #require(result))
        #expect(capabilities.keywords == ["PIPELINING", "STARTTLS", "AUTH"])
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN"])

        var next: SMTPReply?
        handler.nextReply(on: channel.eventLoop).whenSuccess { next = $0 }
        #expect(next == SMTPReply(code: 220, lines: ["next"]))
        #expect(!handler.hasUnreadInput)
        _ = try? channel.finish()
    }

    @Test("malformed replies end the conversation", arguments: [
        "hello\r\n", "250-a\r\n251 b\r\n", "2500 x\r\n", "650 x\r\n",
    ])
    func malformedReply(input: String) throws {
        let channel = EmbeddedChannel(handler: SMTPReplyHandler())
        let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
        var failure: (any Error)?
        handler.nextReply(on: channel.eventLoop).whenFailure { failure = $0 }
        try? channel.writeInbound(ByteBuffer(string: input))
        #expect((failure as? SMTPError)?.kind == .protocolViolation)
        _ = try? channel.finish()
    }

    @Test("a closed connection fails the waiting reader")
    func closedConnection() throws {
        let channel = EmbeddedChannel(handler: SMTPReplyHandler())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).wait()
        let handler = try channel.pipeline.syncOperations.handler(type: SMTPReplyHandler.self)
        var failure: (any Error)?
        handler.nextReply(on: channel.eventLoop).whenFailure { failure = $0 }
        _ = try? channel.finish()
        #expect((failure as? SMTPError)?.kind == .connectionClosed)
    }
}
