import Foundation

/// The password rules of DESIGN § 4: 12 to 256 characters, any Unicode, no composition rules,
/// not on the common-password list, not containing the e-mail address's local part.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 256

    public enum Problem: String, Sendable, Equatable, CaseIterable {
        case tooShort = "password.rule.too_short"
        case tooLong = "password.rule.too_long"
        case common = "password.rule.common"
        case containsEmail = "password.rule.contains_email"
        case mismatch = "password.rule.mismatch"
    }

    let commonPasswords: Set<String>

    public init(commonPasswords: Set<String>) {
        self.commonPasswords = commonPasswords
    }

    /// Reads `Resources/Security/common-passwords.txt` (one per line, `#` comments).
    public static func load(from path: String) throws -> PasswordPolicy {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let entries = text.split(whereSeparator: \.isNewline)
            .filter { !$0.hasPrefix("#") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        return PasswordPolicy(commonPasswords: Set(entries))
    }

    public func problems(password: String, confirmation: String? = nil, email: String?) -> [Problem] {
        var problems: [Problem] = []
        let length = password.count
        if length < Self.minimumLength { problems.append(.tooShort) }
        if length > Self.maximumLength { problems.append(.tooLong) }
        let lowered = password.lowercased()
        if commonPasswords.contains(lowered) || commonPasswords.contains(lowered.trimmingCharacters(in: .decimalDigits)) && lowered.count < 16 {
            problems.append(.common)
        }
        if let local = email?.split(separator: "@").first.map({ $0.lowercased() }), local.count >= 3, lowered.contains(local) {
            problems.append(.containsEmail)
        }
        if let confirmation, confirmation != password { problems.append(.mismatch) }
        return problems
    }
}
