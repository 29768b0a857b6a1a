import Foundation
import NIOCore

/// Where and how ``SMTPTransport`` delivers, parsed from `PORTIER_SMTP_URL`:
///
/// ```
/// smtp://user:password@host:port?starttls=required|opportunistic|never
/// smtps://user:password@host:port            (implicit TLS)
/// ```
/// Further query parameters: `tls_verify=false` (accept any certificate; test servers only)
/// and `helo=<name>` (the name sent with EHLO). User and password are percent-decoded.
/// Default ports: 465 for `smtps`, 587 for `smtp` with STARTTLS, 25 for `starttls=never`.
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected.
    public enum Security: Sendable, Equatable {
        /// TLS from the first byte (`smtps://`, usually port 465).
        case implicitTLS
        /// Upgrade with STARTTLS; when `isRequired` is false and the server does not offer it,
        /// continue in plain text (but never send a password that way).
        case startTLS(isRequired: Bool)
        /// Plain text, credentials included (`starttls=never`; local relays and test servers).
        case none
    }

    /// Certificate checking for TLS connections.
    public enum TLSVerification: Sendable, Equatable {
        /// System trust roots and host name verification.
        case full
        /// Any certificate is accepted (`tls_verify=false`).
        case none
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    public var tlsVerification: TLSVerification
    /// The name sent with EHLO/HELO; ``configureMail(_:)`` fills it from the base URL when unset.
    public var heloName: String?
    public var connectTimeout: Duration
    /// How long to wait for each server reply.
    public var replyTimeout: Duration
    /// The longest a whole delivery may take; kept below the worker's lease.
    public var sessionTimeout: Duration

    public init(
        host: String,
        port: Int,
        username: String? = nil,
        password: String? = nil,
        security: Security = .startTLS(isRequired: true),
        tlsVerification: TLSVerification = .full,
        heloName: String? = nil,
        connectTimeout: Duration = .seconds(10),
        replyTimeout: Duration = .seconds(20),
        sessionTimeout: Duration = .seconds(40)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.tlsVerification = tlsVerification
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.sessionTimeout = sessionTimeout
    }

    /// The configuration with the password left out.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        return "\(scheme)://\(user)\(host):\(port) (\(security), verification \(tlsVerification))"
    }

    /// Parses an `smtp://` or `smtps://` URL.
    /// - Throws: ``MailError/invalidSMTPURL(_:)``; the message never contains the password.
    public static func parse(_ urlString: String) throws -> SMTPConfiguration {
        guard !urlString.containsMailControlCharacter,
              let components = URLComponents(string: urlString.trimmingCharacters(in: .whitespaces)) else {
            throw MailError.invalidSMTPURL("not a URL")
        }
        let scheme = components.scheme?.lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw MailError.invalidSMTPURL("the scheme must be smtp or smtps")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, Self.isAllowedHost(host) else {
            throw MailError.invalidSMTPURL("the host is missing or not a valid host name")
        }
        guard components.path.isEmpty || components.path == "/" else {
            throw MailError.invalidSMTPURL("a path is not allowed")
        }

        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLS(isRequired: true)
        var tlsVerification = TLSVerification.full
        var heloName: String?
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name.lowercased() {
            case "starttls":
                guard scheme == "smtp" else {
                    throw MailError.invalidSMTPURL("starttls applies to smtp://, not smtps://")
                }
                switch value.lowercased() {
                case "required": security = .startTLS(isRequired: true)
                case "opportunistic": security = .startTLS(isRequired: false)
                case "never": security = .none
                default: throw MailError.invalidSMTPURL("starttls must be required, opportunistic or never")
                }
            case "tls_verify":
                switch value.lowercased() {
                case "true", "1", "yes": tlsVerification = .full
                case "false", "0", "no": tlsVerification = .none
                default: throw MailError.invalidSMTPURL("tls_verify must be true or false")
                }
            case "helo":
                guard isAllowedHeloName(value) else {
                    throw MailError.invalidSMTPURL("helo must be a host name")
                }
                heloName = value
            default:
                throw MailError.invalidSMTPURL("unknown parameter '\(item.name)'")
            }
        }

        let port: Int
        if let explicitPort = components.port {
            guard (1...65_535).contains(explicitPort) else {
                throw MailError.invalidSMTPURL("the port must be from 1 to 65535")
            }
            port = explicitPort
        } else {
            switch security {
            case .implicitTLS: port = 465
            case .startTLS: port = 587
            case .none: port = 25
            }
        }

        let username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if components.percentEncodedUser != nil, username == nil {
            throw MailError.invalidSMTPURL("the user name is not correctly percent-encoded")
        }
        if components.percentEncodedPassword != nil, password == nil {
            throw MailError.invalidSMTPURL("the password is not correctly percent-encoded")
        }
        if password != nil, username?.isEmpty ?? true {
            throw MailError.invalidSMTPURL("a password needs a user name")
        }
        for credential in [username, password].compactMap({ $0 }) where credential.containsMailControlCharacter {
            throw MailError.invalidSMTPURL("user name and password must not contain control characters")
        }

        return SMTPConfiguration(
            host: host,
            port: port,
            username: username?.isEmpty == true ? nil : username,
            password: password,
            security: security,
            tlsVerification: tlsVerification,
            heloName: heloName
        )
    }

    /// Letters, digits, `-`, `.`, `_` and the `:` of IPv6 addresses.
    static func isAllowedHost(_ host: String) -> Bool {
        host.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: ":"):
                return true
            default:
                return false
            }
        }
    }

    /// A domain name or an address literal such as `[127.0.0.1]`.
    static func isAllowedHeloName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255 else { return false }
        if name.hasPrefix("["), name.hasSuffix("]") {
            return isAllowedHost(String(name.dropFirst().dropLast()))
        }
        return isAllowedHost(name) && !name.contains(":")
    }

    /// The EHLO argument for a host: the name itself, or an address literal for IP addresses.
    static func heloName(forHost host: String) -> String {
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil {
            return host.contains(":") ? "[IPv6:\(host)]" : "[\(host)]"
        }
        return isAllowedHeloName(host) ? host : "localhost"
    }
}
