import Foundation

/// A validated e-mail address: an optional display name and a plain ASCII addr-spec
/// (`local@domain`, dot-atom form as in RFC 5322 § 3.4.1).
///
/// Neither part may contain CR, LF or any other control character, so a `MailAddress`
/// can never inject a header or an SMTP command. Internationalised domains must be given
/// in their ASCII (punycode) form; quoted local parts are not accepted.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name (`Portier` in `Portier <no-reply@example.se>`), never empty.
    public let name: String?
    /// The addr-spec, e.g. `no-reply@example.se`.
    public let email: String

    static let maximumLocalPartLength = 64
    static let maximumEmailLength = 254
    static let maximumNameLength = 256

    /// Validates `email` (surrounding spaces are trimmed) and the optional display name.
    /// - Throws: ``MailError/invalidAddress(_:)`` or ``MailError/invalidDisplayName``.
    public init(name: String? = nil, email: String) throws {
        guard !email.containsMailControlCharacter else {
            throw MailError.invalidAddress("control characters are not allowed")
        }
        let trimmedEmail = email.trimmingCharacters(in: .whitespaces)
        try Self.validate(addrSpec: trimmedEmail)
        self.email = trimmedEmail

        if let name {
            guard !name.containsMailControlCharacter, name.count <= Self.maximumNameLength else {
                throw MailError.invalidDisplayName
            }
            let trimmedName = name.trimmingCharacters(in: .whitespaces)
            self.name = trimmedName.isEmpty ? nil : trimmedName
        } else {
            self.name = nil
        }
    }

    /// Parses `Name <user@example.se>`, `"Name, AB" <user@example.se>`, `<user@example.se>`
    /// or a bare `user@example.se`.
    public init(parsing text: String) throws {
        guard !text.containsMailControlCharacter else {
            throw MailError.invalidAddress("control characters are not allowed")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">") else {
            try self.init(name: nil, email: trimmed)
            return
        }
        guard let open = trimmed.lastIndex(of: "<") else {
            throw MailError.invalidAddress("'>' without a matching '<'")
        }
        let email = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        let namePart = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        try self.init(name: try Self.unquote(namePart), email: email)
    }

    /// `Name <email>` for logs and listings (not header-encoded; see ``MIMEMessageRenderer``).
    public var description: String {
        guard let name else { return email }
        return "\(name) <\(email)>"
    }

    /// The part after the `@`.
    public var domain: String {
        guard let at = email.lastIndex(of: "@") else { return email }
        return String(email[email.index(after: at)...])
    }

    private static func unquote(_ name: String) throws -> String? {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else {
            return name.isEmpty ? nil : name
        }
        var result = ""
        var isEscaped = false
        for character in name.dropFirst().dropLast() {
            if isEscaped {
                result.append(character)
                isEscaped = false
            } else if character == "\\" {
                isEscaped = true
            } else if character == "\"" {
                throw MailError.invalidDisplayName
            } else {
                result.append(character)
            }
        }
        guard !isEscaped else { throw MailError.invalidDisplayName }
        return result
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)

    private static func validate(addrSpec: String) throws {
        guard !addrSpec.isEmpty else { throw MailError.invalidAddress("empty") }
        guard addrSpec.utf8.count <= maximumEmailLength else {
            throw MailError.invalidAddress("longer than \(maximumEmailLength) characters")
        }
        guard addrSpec.unicodeScalars.allSatisfy(\.isASCII) else {
            throw MailError.invalidAddress("only ASCII addresses are supported")
        }
        let parts = addrSpec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw MailError.invalidAddress("must contain exactly one '@'") }
        let local = parts[0]
        let domain = parts[1]

        guard !local.isEmpty, local.utf8.count <= maximumLocalPartLength else {
            throw MailError.invalidAddress("the part before '@' must have 1 to \(maximumLocalPartLength) characters")
        }
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            guard !atom.isEmpty, atom.unicodeScalars.allSatisfy({ isAtext($0) }) else {
                throw MailError.invalidAddress("the part before '@' has a character that is not allowed")
            }
        }

        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard !domain.isEmpty else { throw MailError.invalidAddress("the domain is missing") }
        for label in labels {
            guard (1...63).contains(label.utf8.count),
                  label.unicodeScalars.allSatisfy({ isLetterOrDigit($0) || $0 == "-" }),
                  label.first != "-", label.last != "-" else {
                throw MailError.invalidAddress("the domain is not a valid host name")
            }
        }
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return false
        }
    }

    private static func isAtext(_ scalar: Unicode.Scalar) -> Bool {
        isLetterOrDigit(scalar) || atextSymbols.contains(scalar)
    }
}

extension MailAddress: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, email
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            email: try container.decode(String.self, forKey: .email)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encode(email, forKey: .email)
    }
}
