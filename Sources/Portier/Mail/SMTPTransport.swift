import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers over SMTP (RFC 5321) with SwiftNIO, one connection per message:
/// greeting, EHLO (HELO as a fallback), STARTTLS and EHLO again, AUTH PLAIN or LOGIN,
/// MAIL FROM, RCPT TO, DATA (dot-stuffed, CRLF), QUIT.
///
/// TLS uses the system trust roots and verifies the host name unless the URL says
/// `tls_verify=false`. A password is only sent over TLS, or when the URL says `starttls=never`.
public struct SMTPTransport: MailTransport {
    public let configuration: SMTPConfiguration
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let tlsContext: NIOSSLContext?

    /// - Throws: when the TLS context cannot be built (e.g. unreadable trust roots).
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "portier.mail.smtp")
    ) throws {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        if configuration.security == .none {
            tlsContext = nil
        } else {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if configuration.tlsVerification == .none {
                tls.certificateVerification = .none
            }
            tlsContext = try NIOSSLContext(configuration: tls)
        }
    }

    public func send(_ rendered: RenderedMail) async throws {
        let secrets = credentialSecrets()
        do {
            try await deliver(rendered)
        } catch var error as SMTPError {
            for secret in secrets where !secret.isEmpty {
                error.message = error.message.replacingOccurrences(of: secret, with: "***")
            }
            throw error
        }
    }

    private func deliver(_ rendered: RenderedMail) async throws {
        let implicitTLS = configuration.security == .implicitTLS ? tlsContext.map { ($0, serverHostname) } : nil
        let connection = try await SMTPConnection.connect(
            host: configuration.host,
            port: configuration.port,
            group: eventLoopGroup,
            connectTimeout: TimeAmount(configuration.connectTimeout),
            replyTimeout: TimeAmount(configuration.replyTimeout),
            implicitTLS: implicitTLS,
            logger: logger
        )
        let deadline = connection.armDeadline(TimeAmount(configuration.sessionTimeout))
        do {
            try await converse(on: connection, rendered)
            deadline.cancel()
            await connection.close()
        } catch {
            deadline.cancel()
            if let smtpError = error as? SMTPError, smtpError.kind == .rejected {
                try? await connection.send("QUIT", stage: "QUIT")
            }
            await connection.close()
            throw error
        }
    }

    private func converse(on connection: SMTPConnection, _ rendered: RenderedMail) async throws {
        try expect(await connection.readReply(stage: "greeting"), 220, stage: "greeting")
        var capabilities = try await hello(on: connection)

        var isEncrypted = configuration.security == .implicitTLS
        if case .startTLS(let isRequired) = configuration.security, let tlsContext {
            if capabilities.keywords.contains("STARTTLS") {
                try await connection.send("STARTTLS", stage: "STARTTLS")
                try expect(await connection.readReply(stage: "STARTTLS"), 220, stage: "STARTTLS")
                try await connection.startTLS(context: tlsContext, serverHostname: serverHostname)
                isEncrypted = true
                capabilities = try await hello(on: connection)
            } else if isRequired {
                throw SMTPError(
                    stage: "STARTTLS", kind: .tls,
                    message: "the server does not offer STARTTLS (starttls=opportunistic or never allows plain text)"
                )
            }
        }

        if let username = configuration.username {
            guard isEncrypted || configuration.security == .none else {
                throw SMTPError(
                    stage: "AUTH", kind: .authenticationUnavailable,
                    message: "refusing to send the password without TLS (the server did not offer STARTTLS)"
                )
            }
            try await authenticate(on: connection, capabilities: capabilities, username: username, password: configuration.password ?? "")
        }

        try await connection.send("MAIL FROM:<\(rendered.envelopeFrom.email)>", stage: "MAIL FROM")
        try expect(await connection.readReply(stage: "MAIL FROM"), 250, stage: "MAIL FROM")
        for recipient in rendered.recipients {
            try await connection.send("RCPT TO:<\(recipient.email)>", stage: "RCPT TO")
            try expect(await connection.readReply(stage: "RCPT TO"), 250, 251, stage: "RCPT TO")
        }
        try await connection.send("DATA", stage: "DATA")
        try expect(await connection.readReply(stage: "DATA"), 354, stage: "DATA")
        logger.debug("SMTP C: <message \(rendered.messageID), \(rendered.bytes.count) bytes>")
        try await connection.write(SMTPDataEncoding.encode(rendered.bytes), stage: "end of data")
        let accepted = try await connection.readReply(stage: "end of data")
        try expect(accepted, 250, stage: "end of data")

        // The message is accepted; a failing QUIT changes nothing.
        try? await connection.send("QUIT", stage: "QUIT")
        _ = try? await connection.readReply(stage: "QUIT")
    }

    /// EHLO, or HELO when the server does not know EHLO.
    private func hello(on connection: SMTPConnection) async throws -> SMTPCapabilities {
        let name = configuration.heloName ?? "localhost"
        try await connection.send("EHLO \(name)", stage: "EHLO")
        let reply = try await connection.readReply(stage: "EHLO")
        if reply.isPositiveCompletion {
            return SMTPCapabilities(ehloReply: reply)
        }
        guard (500..<600).contains(reply.code) else {
            throw SMTPError(stage: "EHLO", kind: .rejected, code: reply.code, message: reply.text)
        }
        try await connection.send("HELO \(name)", stage: "HELO")
        try expect(await connection.readReply(stage: "HELO"), 250, stage: "HELO")
        return SMTPCapabilities(keywords: [], authMechanisms: [])
    }

    private func authenticate(on connection: SMTPConnection, capabilities: SMTPCapabilities, username: String, password: String) async throws {
        if capabilities.authMechanisms.contains("PLAIN") {
            let token = Data([0] + Array(username.utf8) + [0] + Array(password.utf8)).base64EncodedString()
            try await connection.send("AUTH PLAIN \(token)", stage: "AUTH", loggedAs: "AUTH PLAIN ***")
            try expect(await connection.readReply(stage: "AUTH"), 235, stage: "AUTH")
        } else if capabilities.authMechanisms.contains("LOGIN") {
            try await connection.send("AUTH LOGIN", stage: "AUTH")
            try expect(await connection.readReply(stage: "AUTH"), 334, stage: "AUTH")
            try await connection.send(Data(username.utf8).base64EncodedString(), stage: "AUTH", loggedAs: "***")
            try expect(await connection.readReply(stage: "AUTH"), 334, stage: "AUTH")
            try await connection.send(Data(password.utf8).base64EncodedString(), stage: "AUTH", loggedAs: "***")
            try expect(await connection.readReply(stage: "AUTH"), 235, stage: "AUTH")
        } else {
            let offered = capabilities.authMechanisms.sorted().joined(separator: " ")
            throw SMTPError(
                stage: "AUTH", kind: .authenticationUnavailable,
                message: "the server offers no AUTH PLAIN or LOGIN (offered: \(offered.isEmpty ? "none" : offered))"
            )
        }
    }

    private func expect(_ reply: SMTPReply, _ codes: Int..., stage: String) throws {
        guard codes.contains(reply.code) else {
            throw SMTPError(stage: stage, kind: .rejected, code: reply.code, message: reply.text)
        }
    }

    /// The SNI and verification name; `nil` for IP addresses (SNI takes host names only).
    private var serverHostname: String? {
        (try? SocketAddress(ipAddress: configuration.host, port: 0)) == nil ? configuration.host : nil
    }

    /// Strings that must never appear in an error: the password and the encoded credentials.
    private func credentialSecrets() -> [String] {
        guard let password = configuration.password, !password.isEmpty else { return [] }
        let username = configuration.username ?? ""
        return [
            password,
            Data(password.utf8).base64EncodedString(),
            Data([0] + Array(username.utf8) + [0] + Array(password.utf8)).base64EncodedString(),
        ]
    }
}

/// What the server announced in its EHLO reply.
struct SMTPCapabilities: Sendable, Equatable {
    /// Upper-cased keywords (`STARTTLS`, `AUTH`, `8BITMIME`, …).
    var keywords: Set<String>
    /// Upper-cased SASL mechanisms from `AUTH …` (and the old `AUTH=…` form).
    var authMechanisms: Set<String>

    init(keywords: Set<String>, authMechanisms: Set<String>) {
        self.keywords = keywords
        self.authMechanisms = authMechanisms
    }

    init(ehloReply reply: SMTPReply) {
        var keywords: Set<String> = []
        var mechanisms: Set<String> = []
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            if keyword == "AUTH" {
                mechanisms.formUnion(words.dropFirst())
            } else if keyword.hasPrefix("AUTH=") {
                mechanisms.insert(String(keyword.dropFirst(5)))
                mechanisms.formUnion(words.dropFirst())
            }
            keywords.insert(keyword.hasPrefix("AUTH=") ? "AUTH" : keyword)
        }
        self.keywords = keywords
        self.authMechanisms = mechanisms
    }
}
