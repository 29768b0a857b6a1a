import Foundation
import Testing
import Vapor
@testable import Portier

@Suite("Configuration")
struct PortierConfigurationTests {
    @Test("Unset variables give the embedded defaults")
    func defaults() throws {
        let configuration = try PortierConfiguration.load(from: [:], environment: .development)

        #expect(configuration.database == .sqlite(path: "portier.sqlite"))
        #expect(configuration.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(configuration.smtpURL == nil)
        #expect(configuration.mailFrom == "Portier <no-reply@localhost>")
        #expect(configuration.resetTokenLifetime == 3600)
        #expect(configuration.resetRevealsUnknownEmail)
        #expect(configuration.webmailURL == nil)
        #expect(configuration.controlPanelURL == nil)
        #expect(!configuration.usesSecureCookies)
    }

    @Test("Every variable is read")
    func readsEverything() throws {
        let configuration = try PortierConfiguration.load(from: [
            "DATABASE_URL": "postgres://portier:secret@db.internal:5432/portier",
            "PORTIER_BASE_URL": "https://kund.example.se",
            "PORTIER_SMTP_URL": "smtp://user:pass@mail.example.se:587?starttls=required",
            "PORTIER_MAIL_FROM": "Exempel AB <noreply@example.se>",
            "PORTIER_RESET_TOKEN_TTL": "900",
            "PORTIER_RESET_REVEALS_UNKNOWN_EMAIL": "false",
            "PORTIER_WEBMAIL_URL": "https://webmail.example.se",
            "PORTIER_CONTROL_PANEL_URL": "https://cp.example.se:2222",
            "PORTIER_CONTACT_EMAIL": "hjalp@example.se",
            "PORTIER_CONTACT_PHONE": "0771-00 00 00",
            "PORTIER_SUPPORT_HOURS": "daily 08:00-22:00 Europe/Helsinki",
            "PORTIER_SUPPORT_HOURS_TEXT": "Alla dagar 8–22",
            "PORTIER_SECRET_KEY": Self.secret,
            "PORTIER_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8, fd00::/8",
            "PORTIER_MAX_PENDING_HASHES": "12",
            "PORTIER_RESET_NEUTRAL_DEADLINE_MS": "750",
        ], environment: .production)

        #expect(configuration.database == .postgres(url: "postgres://portier:secret@db.internal:5432/portier"))
        #expect(configuration.usesSecureCookies)
        #expect(configuration.resetTokenLifetime == 900)
        #expect(!configuration.resetRevealsUnknownEmail)
        #expect(configuration.controlPanelURL?.port == 2222)
        #expect(configuration.contactPhone == "0771-00 00 00")
        #expect(configuration.supportHours.timeZone.identifier == "Europe/Helsinki")
        #expect(configuration.supportHours.ranges.first?.weekdays == Set(1...7))
        #expect(configuration.supportHoursText == "Alla dagar 8–22")
        #expect(configuration.isProduction)
        #expect(configuration.secretKey?.base64 == Self.secret)
        #expect(configuration.trustedProxies.networks.map(\.description) == ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"])
        #expect(configuration.maxPendingHashes == 12)
        #expect(configuration.neutralResetDeadline == 0.75)
    }

    /// 32 bytes, base64.
    static let secret = Data(repeating: 42, count: 32).base64EncodedString()

    @Test("Retired keys: listed newest first, each checked, and only beside a current key")
    func retiredSecretKeys() throws {
        let old = Data(repeating: 43, count: 32).base64EncodedString()
        let older = Data(repeating: 44, count: 40).base64EncodedString()
        let configuration = try PortierConfiguration.load(from: ["PORTIER_SECRET_KEY": Self.secret, "PORTIER_SECRET_KEY_PREVIOUS": old + ", " + older], environment: .development)
        #expect(configuration.retiredSecretKeys.map(\.base64) == [old, older])
        #expect(!String(reflecting: configuration).contains(old))

        #expect(throws: ConfigurationError.self) {
            try PortierConfiguration.load(from: ["PORTIER_SECRET_KEY": Self.secret, "PORTIER_SECRET_KEY_PREVIOUS": old + ",c2hvcnQ="], environment: .development)
        }
        do {
            _ = try PortierConfiguration.load(from: ["PORTIER_SECRET_KEY_PREVIOUS": old], environment: .development)
            Issue.record("a retired key without a current one was accepted")
        } catch let error as ConfigurationError {
            #expect(error.variable == "PORTIER_SECRET_KEY_PREVIOUS")
        }
    }

    @Test("The secret is never printed with the configuration")
    func secretHidden() throws {
        let configuration = try PortierConfiguration.load(from: ["PORTIER_SECRET_KEY": Self.secret], environment: .development)

        #expect(!"\(configuration)".contains(Self.secret))
        #expect(!String(reflecting: configuration).contains(Self.secret))
    }

    @Test("A bad value names its variable", arguments: [
        ("DATABASE_URL", "mysql://x"),
        ("PORTIER_BASE_URL", "kund.example.se"),
        ("PORTIER_SMTP_URL", "http://mail.example.se"),
        ("PORTIER_MAIL_FROM", "no address here"),
        ("PORTIER_RESET_TOKEN_TTL", "soon"),
        ("PORTIER_RESET_TOKEN_TTL", "5"),
        ("PORTIER_RESET_REVEALS_UNKNOWN_EMAIL", "maybe"),
        ("PORTIER_WEBMAIL_URL", "javascript:alert(1)"),
        ("PORTIER_SECRET_KEY", "dG9vIHNob3J0"),
        ("PORTIER_SECRET_KEY", "not base64 at all!"),
        ("PORTIER_TRUSTED_PROXIES", "127.0.0.1, proxy.internal"),
        ("PORTIER_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("PORTIER_MAX_PENDING_HASHES", "0"),
        ("PORTIER_RESET_NEUTRAL_DEADLINE_MS", "5"),
        ("PORTIER_SUPPORT_HOURS", "Vardagar 08–17"),
        ("PORTIER_SUPPORT_HOURS", "mon-fri 17:00-08:00"),
        ("PORTIER_SUPPORT_HOURS", "mon-fry 08:00-17:00"),
        ("PORTIER_SUPPORT_HOURS", "mon-fri 8-17"),
        ("PORTIER_SUPPORT_HOURS", "mon-fri 08:00-17:00 Europe/Atlantis"),
        ("PORTIER_SUPPORT_HOURS", "mon-fri 08:00-17:00;"),
    ])
    func rejectsBadValues(variable: String, value: String) {
        #expect {
            try PortierConfiguration.load(from: [variable: value], environment: .development)
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
                && "\(error)".contains(variable)
        }
    }

    @Test("Without PORTIER_SUPPORT_HOURS the chat keeps weekdays 08–17 in Stockholm, shown as today")
    func defaultSupportHours() throws {
        let configuration = try PortierConfiguration.load(from: [:], environment: .development)

        #expect(configuration.supportHours == .standard)
        #expect(configuration.supportHoursText == nil)
        #expect(configuration.supportHours.displayText(in: .swedish) == "Vardagar 08–17")
        #expect(configuration.supportHours.displayText(in: .english) == "Weekdays 08–17")
    }

    @Test("Support hours: several ranges, inside and outside, in their own time zone")
    func supportHoursRanges() throws {
        let configuration = try PortierConfiguration.load(
            from: ["PORTIER_SUPPORT_HOURS": "mon-fri 08:00-17:00; sat,sun 10:30-14:00 Europe/Stockholm"],
            environment: .development
        )
        let hours = configuration.supportHours
        // 2026-12-02 is a Wednesday; Stockholm is UTC+1 in December.
        let wednesday = Date(timeIntervalSince1970: 1_796_169_600) // 2026-12-02 00:00 UTC
        #expect(!hours.contains(wednesday.addingTimeInterval(6 * 3600 + 59 * 60)))  // 07:59 local
        #expect(hours.contains(wednesday.addingTimeInterval(7 * 3600)))              // 08:00 local
        #expect(hours.contains(wednesday.addingTimeInterval(15 * 3600 + 59 * 60)))  // 16:59 local
        #expect(!hours.contains(wednesday.addingTimeInterval(16 * 3600)))            // 17:00 local
        let saturday = wednesday.addingTimeInterval(3 * 86_400)
        #expect(!hours.contains(saturday.addingTimeInterval(9 * 3600)))              // 10:00 local
        #expect(hours.contains(saturday.addingTimeInterval(9 * 3600 + 30 * 60)))     // 10:30 local
        #expect(hours.displayText(in: .swedish) == "Vardagar 08–17, lör, sön 10:30–14")
        #expect(hours.displayText(in: .english) == "Weekdays 08–17, Sat, Sun 10:30–14")
    }

    @Test("Production refuses to start without SMTP")
    func productionNeedsSMTP() {
        #expect(throws: ConfigurationError(variable: "PORTIER_SMTP_URL", reason: "is required in production (mail would otherwise only be written to files)")) {
            try PortierConfiguration.load(from: [:], environment: .production)
        }
    }

    @Test("Production refuses to start without the server secret")
    func productionNeedsSecret() {
        #expect {
            try PortierConfiguration.load(from: ["PORTIER_SMTP_URL": "smtp://mail.example.se"], environment: .production)
        } throws: { error in
            (error as? ConfigurationError)?.variable == "PORTIER_SECRET_KEY"
        }
    }

    @Test("Development keeps the secret it generated in a file of its own")
    func developmentSecretFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portier-secret-\(UUID().uuidString)/secret.key").path

        let first = try ServerSecret.loadOrCreateDevelopmentSecret(at: file)
        let second = try ServerSecret.loadOrCreateDevelopmentSecret(at: file)

        #expect(first == second)
        let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}
