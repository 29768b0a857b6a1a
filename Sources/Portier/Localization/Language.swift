import Vapor

/// The languages Portier ships catalogs for. Swedish is the default.
public enum Language: String, CaseIterable, Codable, Sendable {
    case swedish = "sv"
    case english = "en"

    public static let `default` = Language.swedish
    public static let cookieName = "portier_lang"

    /// Picks the best language from an `Accept-Language` header (`en-GB,en;q=0.9,sv;q=0.8`).
    public static func preferred(byAcceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (Language, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased() else { return nil }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard let language = Language(rawValue: primary) else { return nil }
            let quality = pieces.dropFirst()
                .first { $0.hasPrefix("q=") }
                .flatMap { Double($0.dropFirst(2)) } ?? 1
            return (language, quality)
        }
        return ranked.filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The language of this response: cookie, then `Accept-Language`, then Swedish.
    public var language: Language {
        get {
            if let cached = storage[LanguageKey.self] { return cached }
            let chosen = cookie(Language.cookieName).flatMap(Language.init(rawValue:))
                ?? Language.preferred(byAcceptLanguage: headers.first(name: .acceptLanguage))
                ?? .default
            storage[LanguageKey.self] = chosen
            return chosen
        }
        set { storage[LanguageKey.self] = newValue }
    }

    /// The catalog string for `key` in the request's language.
    public func localized(_ key: String, _ arguments: String...) -> String {
        application.catalogs.string(key, language: language, arguments: arguments)
    }
}
