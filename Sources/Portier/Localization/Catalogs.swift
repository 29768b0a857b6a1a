import Foundation
import Vapor

/// The `sv` and `en` string catalogs: every `Resources/Localization/<language>/*.json` file (one
/// per feature, flat `key: text` maps) merged. Placeholders are `{0}`, `{1}`, … . A missing key
/// renders as the key itself so it is noticed; a key defined twice stops start-up.
public struct Catalogs: Sendable {
    public let strings: [Language: [String: String]]

    public init(strings: [Language: [String: String]]) {
        self.strings = strings
    }

    public static func load(from directory: String) throws -> Catalogs {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let folder = directory + language.rawValue + "/"
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
            guard !files.isEmpty else {
                throw CatalogError.missing(folder)
            }
            var merged: [String: String] = [:]
            for file in files {
                guard let data = FileManager.default.contents(atPath: folder + file) else { throw CatalogError.missing(folder + file) }
                let entries = try JSONDecoder().decode([String: String].self, from: data)
                try merged.merge(entries) { _, _ in throw CatalogError.duplicateKey(folder + file) }
            }
            strings[language] = merged
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
        get {
            guard let catalogs = storage[CatalogsKey.self] else {
                fatalError("app.catalogs is not set: configure(_:) loads the catalogs (Catalogs.load) before anything asks for a string")
            }
            return catalogs
        }
        set { storage[CatalogsKey.self] = newValue }
    }
}

enum CatalogError: Error, CustomStringConvertible {
    case missing(String)
    case duplicateKey(String)

    var description: String {
        switch self {
        case .missing(let path): "Missing localization catalog \(path)"
        case .duplicateKey(let file): "A key in \(file) is already defined in another catalog file"
        }
    }
}
