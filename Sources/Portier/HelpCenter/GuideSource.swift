import Foundation

/// A category as read from `Resources/Guides/<lang>/<category>/_category.md`.
struct CategorySource: Equatable {
    let language: Language
    let slug: String
    let title: String
    let description: String
    let order: Int
    let path: String
}

/// A guide as read from `Resources/Guides/<lang>/<category>/<slug>.md`.
struct GuideSource: Equatable {
    let language: Language
    let categorySlug: String
    let slug: String
    let title: String
    let order: Int
    let related: [String]
    let keywords: [String]
    let updated: String
    let translation: String?
    let markdown: String
    let path: String
    /// Line of `related:` in the file, for error messages about it.
    let relatedLine: Int
}

/// A guide file that cannot be imported, with the place to fix it.
struct GuideImportError: Error, CustomStringConvertible, Equatable {
    let file: String
    let line: Int
    let reason: String

    var description: String { "\(file):\(line): \(reason)" }
}

/// `---`-delimited `key: value` lines at the top of a Markdown file.
struct FrontMatter {
    let fields: [String: (value: String, line: Int)]
    let body: String

    static func parse(_ text: String, file: String) throws -> FrontMatter {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            throw GuideImportError(file: file, line: 1, reason: "the file must start with a '---' front-matter line")
        }
        var fields: [String: (value: String, line: Int)] = [:]
        var index = 1
        while index < lines.count {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces) == "---" {
                return FrontMatter(fields: fields, body: lines[(index + 1)...].joined(separator: "\n"))
            }
            if !line.trimmingCharacters(in: .whitespaces).isEmpty && !line.hasPrefix("#") {
                guard let colon = line.firstIndex(of: ":") else {
                    throw GuideImportError(file: file, line: index + 1, reason: "expected 'key: value', got '\(line)'")
                }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("[") && value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
                guard fields[key] == nil else {
                    throw GuideImportError(file: file, line: index + 1, reason: "'\(key)' is given twice")
                }
                fields[key] = (value, index + 1)
            }
            index += 1
        }
        throw GuideImportError(file: file, line: lines.count, reason: "the front matter is not closed with '---'")
    }

    func required(_ key: String, file: String) throws -> String {
        guard let field = fields[key], !field.value.isEmpty else {
            throw GuideImportError(file: file, line: 1, reason: "'\(key):' is required in the front matter")
        }
        return field.value
    }

    func integer(_ key: String, file: String) throws -> Int {
        let text = try required(key, file: file)
        guard let number = Int(text) else {
            throw GuideImportError(file: file, line: fields[key]?.line ?? 1, reason: "'\(key)' must be a whole number, got '\(text)'")
        }
        return number
    }

    func list(_ key: String) -> [String] {
        Guide.list(fields[key]?.value ?? "")
    }
}
