import Foundation

/// Reads the guides of `Resources/Guides/<language>/<category>/<slug>.md` straight from disk,
/// for measuring search quality (the relevance test and `search-quality`) without a database.
/// The app itself builds its documents from its imported `Guide` rows.
public enum GuideFiles {
    public struct ReadError: Error, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// Every guide under `directory` (the `Guides` folder), the document id being its slug.
    public static func documents(in directory: URL) throws -> [SearchDocument] {
        let files = FileManager.default
        var documents: [SearchDocument] = []
        for language in SearchLanguage.allCases {
            let languageFolder = directory.appendingPathComponent(language.rawValue)
            guard let categories = try? files.contentsOfDirectory(atPath: languageFolder.path) else { continue }
            for category in categories.sorted() {
                let categoryFolder = languageFolder.appendingPathComponent(category)
                guard let names = try? files.contentsOfDirectory(atPath: categoryFolder.path) else { continue }
                for name in names.sorted() where name.hasSuffix(".md") && name != "_category.md" {
                    let file = categoryFolder.appendingPathComponent(name)
                    documents.append(try document(at: file, language: language))
                }
            }
        }
        return documents
    }

    static func document(at file: URL, language: SearchLanguage) throws -> SearchDocument {
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else { throw ReadError(file: file.path, reason: "no '---' front matter") }
        var fields: [String: String] = [:]
        for line in lines[1..<end] {
            guard let colon = line.firstIndex(of: ":") else { continue }
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("[") && value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
            fields[line[..<colon].trimmingCharacters(in: .whitespaces)] = value
        }
        guard let title = fields["title"], let slug = fields["slug"] else {
            throw ReadError(file: file.path, reason: "'title' and 'slug' are required")
        }
        let keywords = (fields["keywords"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return SearchDocument(
            id: slug, language: language, title: title, keywords: keywords,
            markdown: lines[(end + 1)...].joined(separator: "\n")
        )
    }
}
