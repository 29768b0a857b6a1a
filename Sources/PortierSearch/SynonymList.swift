import Foundation

/// Groups of words that find each other, as operators write them in
/// `Resources/Search/synonyms.<language>`: one group per line, words separated by commas, `#`
/// starting a comment line. A word may be several words ("mina sidor"); the search treats it as
/// the same word written together, which is how a visitor's "mina sidor" is recognized.
///
/// Parsing never fails: an operator's typo in the file must not take search down, so empty
/// entries and one-word groups are simply skipped.
public struct SynonymList: Sendable, Hashable {
    /// Each group's words, as written (trimmed), in the file's order.
    public let groups: [[String]]

    public init(groups: [[String]]) {
        self.groups = groups.filter { $0.count > 1 }
    }

    /// Parses the text of a synonyms file.
    public init(parsing text: String) {
        var groups: [[String]] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let words = trimmed.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            groups.append(words)
        }
        self.init(groups: groups)
    }

    /// Reads and parses a synonyms file (UTF-8).
    public init(contentsOf url: URL) throws {
        self.init(parsing: try String(contentsOf: url, encoding: .utf8))
    }

    public static let empty = SynonymList(groups: [])
}
