import Foundation
import Vapor

/// Every setting Portier reads from the environment, parsed and validated in one place
/// (DESIGN § 3). Anything else in the code asks this value, never `Environment.get`.
public struct PortierConfiguration: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case sqliteInMemory
        case postgres(url: String)
    }

    public var database: Database
    /// Absolute base for links in e-mails; never derived from the Host header.
    public var baseURL: URL
    /// `nil` means the development file transport (`var/mail/*.eml`); production refuses to start.
    public var smtpURL: String?
    public var mailFrom: String
    public var mailDirectory: String
    public var resetTokenLifetime: TimeInterval
    public var resetRevealsUnknownEmail: Bool
    public var webmailURL: URL?
    public var controlPanelURL: URL?
    public var contactEmail: String
    public var contactPhone: String
    /// `PORTIER_SUPPORT_HOURS`: when the chat is open (with a support staff member available).
    public var supportHours: SupportHours = .standard
    /// `PORTIER_SUPPORT_HOURS_TEXT`: the hours as shown to people; nil shows ``supportHours`` in
    /// the page's language ("Vardagar 08–17").
    public var supportHoursText: String? = nil
    /// Password of the development demo customer; generated when unset.
    public var demoPassword: String?
    public var isProduction: Bool
    /// `PORTIER_SECRET_KEY`; nil in development until `configure` reads or creates
    /// `var/secret.key` (production refuses to start without it).
    public var secretKey: ServerSecret?
    /// `PORTIER_SECRET_KEY_PREVIOUS`: keys retired by a rotation (comma-separated, newest first);
    /// what they made still opens and verifies, and TOTP secrets are sealed again under the new key.
    public var retiredSecretKeys: [ServerSecret] = []
    /// `PORTIER_TRUSTED_PROXIES`: whose forwarding headers name the client.
    public var trustedProxies: TrustedProxies = .none
    /// `PORTIER_MAX_PENDING_HASHES`: password checks that may wait for a hashing thread; beyond
    /// that, 503. Nil: four per hashing thread.
    public var maxPendingHashes: Int?
    /// `PORTIER_DKIM_DOMAIN`, `_SELECTOR`, `_PRIVATE_KEY_FILE`: all three sign outgoing mail; none,
    /// unsigned.
    public var dkim: DKIMSettings?
    /// `PORTIER_OUTBOX_LEASE_SECONDS`: how long a mail the worker took stays reserved for it; after
    /// a crash another instance sends it once this has passed (renewed before every send).
    public var outboxLeaseDuration: TimeInterval = 60
    /// `PORTIER_METRICS_TOKEN`: `/metrics` answers whoever sends it as a bearer token; unset,
    /// only clients on loopback.
    public var metricsToken: String?
    /// `PORTIER_RESET_NEUTRAL_DEADLINE_MS`: in neutral mode every reset request is answered this
    /// long after it arrived, so known and unknown addresses cannot be told apart by timing.
    public var neutralResetDeadline: TimeInterval = 0.6
    /// `PORTIER_RESOURCES_DIR`: the `Resources` folder (views, catalogs, guides, password list);
    /// `nil` finds it in the working directory or beside the program (``ResourceLocation``).
    public var resourcesDirectory: String?
    /// `PORTIER_AUDIT_RETENTION_DAYS`: audit events older than this are deleted by the daily clean-up.
    public var auditRetentionDays: Int = 365
    /// `PORTIER_OUTBOX_RETENTION_DAYS`: sent mail older than this is deleted by the daily clean-up.
    public var outboxRetentionDays: Int = 30
    /// Not from the environment: tests lower the cost, production uses OWASP's parameters.
    public var passwordHashParameters: ScryptParameters = .owasp
    /// Not from the environment: how long a password check waits for a place in the hashing queue
    /// before it is answered 503 (tests of the 503 itself set zero).
    public var hashQueueWait: Duration = ScryptPasswordHasher.defaultQueueWait
    /// Not from the environment: tests drive the outbox worker themselves.
    public var runsBackgroundWorkers = true
    /// Not from the environment: tests put each PostgreSQL test in its own schema.
    public var postgresSearchPath: [String]? = nil

    /// Cookies get `Secure` and the `__Host-` prefix when the base URL is https.
    public var usesSecureCookies: Bool { baseURL.scheme == "https" }
}

public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let reason: String
    public var description: String { "Invalid configuration: \(variable) \(reason)" }
}

extension PortierConfiguration {
    /// Reads the configuration from `variables` (the process environment plus `.env`).
    public static func load(
        from variables: [String: String],
        environment: Vapor.Environment
    ) throws -> PortierConfiguration {
        let reader = VariableReader(variables: variables)
        let isProduction = environment == .production

        let database: Database
        if let url = reader.string("DATABASE_URL") {
            guard let parsed = URL(string: url), ["postgres", "postgresql"].contains(parsed.scheme ?? ""),
                  parsed.host?.isEmpty == false else {
                throw ConfigurationError(variable: "DATABASE_URL", reason: "must be a postgres://user:password@host:port/database URL")
            }
            database = .postgres(url: url)
        } else {
            let path = reader.string("PORTIER_SQLITE_PATH") ?? "portier.sqlite"
            database = path == ":memory:" ? .sqliteInMemory : .sqlite(path: path)
        }

        let baseURL = try reader.absoluteURL("PORTIER_BASE_URL", default: "http://127.0.0.1:8080")
        let smtpURL = reader.string("PORTIER_SMTP_URL")
        if let smtpURL {
            guard let scheme = URL(string: smtpURL)?.scheme, ["smtp", "smtps"].contains(scheme) else {
                throw ConfigurationError(variable: "PORTIER_SMTP_URL", reason: "must start with smtp:// or smtps://")
            }
        } else if isProduction {
            throw ConfigurationError(variable: "PORTIER_SMTP_URL", reason: "is required in production (mail would otherwise only be written to files)")
        }
        let mailFrom = reader.string("PORTIER_MAIL_FROM") ?? "Portier <no-reply@localhost>"
        if mailFrom.contains(where: { $0 == "\r" || $0 == "\n" }) || !mailFrom.contains("@") {
            throw ConfigurationError(variable: "PORTIER_MAIL_FROM", reason: "must be an address like 'Name <user@example.se>' on one line")
        }
        let ttl = try reader.integer("PORTIER_RESET_TOKEN_TTL", default: 3600, range: 60...86_400)
        let resourcesDirectory = reader.string("PORTIER_RESOURCES_DIR")
        if let resourcesDirectory, !ResourceLocation.holdsResources(resourcesDirectory) {
            throw ConfigurationError(
                variable: "PORTIER_RESOURCES_DIR",
                reason: "must name Portier's Resources folder (with Views/, Localization/ and \(ResourceLocation.markerFile)); '\(resourcesDirectory)' has no \(ResourceLocation.markerFile)"
            )
        }
        var supportHours = SupportHours.standard
        if let raw = reader.string("PORTIER_SUPPORT_HOURS") {
            switch SupportHours.parse(raw) {
            case .success(let parsed): supportHours = parsed
            case .failure(let problem): throw ConfigurationError(variable: "PORTIER_SUPPORT_HOURS", reason: problem.reason)
            }
        }
        let neutralDeadline = try reader.integer("PORTIER_RESET_NEUTRAL_DEADLINE_MS", default: 600, range: 100...10_000)

        var secretKey: ServerSecret?
        if let raw = reader.string("PORTIER_SECRET_KEY") {
            guard let secret = ServerSecret(base64: raw) else {
                throw ConfigurationError(variable: "PORTIER_SECRET_KEY", reason: "must be at least \(ServerSecret.minimumByteCount) random bytes in base64 ('portier secret generate' prints one)")
            }
            secretKey = secret
        } else if isProduction {
            throw ConfigurationError(variable: "PORTIER_SECRET_KEY", reason: "is required in production ('portier secret generate' prints one)")
        }
        var retiredSecretKeys: [ServerSecret] = []
        if let raw = reader.string("PORTIER_SECRET_KEY_PREVIOUS") {
            for (index, item) in raw.split(separator: ",").enumerated() {
                guard let secret = ServerSecret(base64: String(item)) else {
                    throw ConfigurationError(variable: "PORTIER_SECRET_KEY_PREVIOUS", reason: "key \(index + 1) is not at least \(ServerSecret.minimumByteCount) bytes in base64 (list the old keys separated by commas)")
                }
                retiredSecretKeys.append(secret)
            }
            guard secretKey != nil else {
                throw ConfigurationError(variable: "PORTIER_SECRET_KEY_PREVIOUS", reason: "is set but PORTIER_SECRET_KEY is not: set the new key there and keep only the old ones here")
            }
        }

        var trustedProxies = TrustedProxies.none
        if let raw = reader.string("PORTIER_TRUSTED_PROXIES") {
            switch TrustedProxies.parse(raw) {
            case .success(let parsed): trustedProxies = parsed
            case .failure(let bad):
                throw ConfigurationError(variable: "PORTIER_TRUSTED_PROXIES", reason: "must list IP addresses or CIDR ranges separated by commas, got '\(bad.text)'")
            }
        }
        _ = try LogFormat(environment: variables)
        let maxPendingHashes = try reader.optionalInteger("PORTIER_MAX_PENDING_HASHES", range: 1...100_000)

        let dkimNames = ["PORTIER_DKIM_DOMAIN", "PORTIER_DKIM_SELECTOR", "PORTIER_DKIM_PRIVATE_KEY_FILE"]
        let dkimValues = dkimNames.map { reader.string($0) }
        var dkim: DKIMSettings?
        if let domain = dkimValues[0], let selector = dkimValues[1], let file = dkimValues[2] {
            dkim = DKIMSettings(domain: domain, selector: selector, privateKeyFile: file)
        } else if let missing = zip(dkimNames, dkimValues).first(where: { $0.1 == nil }), dkimValues.contains(where: { $0 != nil }) {
            throw ConfigurationError(variable: missing.0, reason: "is required when any PORTIER_DKIM_* variable is set (all three sign mail, none leaves it unsigned)")
        }

        return PortierConfiguration(
            database: database,
            baseURL: baseURL,
            smtpURL: smtpURL,
            mailFrom: mailFrom,
            mailDirectory: reader.string("PORTIER_MAIL_DIR") ?? "var/mail",
            resetTokenLifetime: TimeInterval(ttl),
            resetRevealsUnknownEmail: try reader.boolean("PORTIER_RESET_REVEALS_UNKNOWN_EMAIL", default: true),
            webmailURL: try reader.optionalAbsoluteURL("PORTIER_WEBMAIL_URL"),
            controlPanelURL: try reader.optionalAbsoluteURL("PORTIER_CONTROL_PANEL_URL"),
            contactEmail: reader.string("PORTIER_CONTACT_EMAIL") ?? "support@example.se",
            contactPhone: reader.string("PORTIER_CONTACT_PHONE") ?? "08-123 456 00",
            supportHours: supportHours,
            supportHoursText: reader.string("PORTIER_SUPPORT_HOURS_TEXT"),
            demoPassword: reader.string("PORTIER_DEMO_PASSWORD"),
            isProduction: isProduction,
            secretKey: secretKey,
            retiredSecretKeys: retiredSecretKeys,
            trustedProxies: trustedProxies,
            maxPendingHashes: maxPendingHashes,
            dkim: dkim,
            outboxLeaseDuration: TimeInterval(try reader.integer("PORTIER_OUTBOX_LEASE_SECONDS", default: 60, range: 10...3600)),
            metricsToken: reader.string("PORTIER_METRICS_TOKEN"),
            neutralResetDeadline: TimeInterval(neutralDeadline) / 1000,
            resourcesDirectory: resourcesDirectory,
            auditRetentionDays: try reader.integer("PORTIER_AUDIT_RETENTION_DAYS", default: 365, range: 1...36_500),
            outboxRetentionDays: try reader.integer("PORTIER_OUTBOX_RETENTION_DAYS", default: 30, range: 1...3650)
        )
    }
}

/// Reads and validates single variables; empty values count as unset.
private struct VariableReader {
    let variables: [String: String]

    func string(_ name: String) -> String? {
        guard let value = variables[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(variable: name, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(raw)'")
        }
        return value
    }

    func optionalInteger(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard string(name) != nil else { return nil }
        return try integer(name, default: range.lowerBound, range: range)
    }

    func boolean(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = string(name) else { return defaultValue }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigurationError(variable: name, reason: "must be true or false, got '\(raw)'")
        }
    }

    func absoluteURL(_ name: String, default defaultValue: String) throws -> URL {
        try optionalAbsoluteURL(name) ?? URL(string: defaultValue)!
    }

    func optionalAbsoluteURL(_ name: String) throws -> URL? {
        guard let raw = string(name) else { return nil }
        guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
            throw ConfigurationError(variable: name, reason: "must be an absolute http(s) URL, got '\(raw)'")
        }
        return url
    }
}
