import Foundation
import Vapor

/// The `sv` and `en` string catalogs from `Resources/Localization/*.json`: flat `key: text` maps.
/// Placeholders are `{0}`, `{1}`, … . A missing key renders as the key itself so it is noticed.
public struct Catalogs: Sendable {
    public let strings: [Language: [String: String]]

    public init(strings: [Language: [String: String]]) {
        self.strings = strings
    }

    public static func load(from directory: String) throws -> Catalogs {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let path = directory + "\(language.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Abort(.internalServerError, reason: "Missing localization catalog \(path)")
            }
            strings[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Catalogs(strings: strings)
    }

    public func string(_ key: String, language: Language, arguments: [String] = []) -> String {
        var text = strings[language]?[key] ?? strings[.default]?[key] ?? key
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}

extension Application {
    private struct CatalogsKey: StorageKey { typealias Value = Catalogs }

    public var catalogs: Catalogs {
        get { storage[CatalogsKey.self] ?? Catalogs(strings: [:]) }
        set { storage[CatalogsKey.self] = newValue }
    }
}
