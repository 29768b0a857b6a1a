import Foundation

/// A short excerpt around the first matching word, HTML-escaped, matches wrapped in `<mark>`.
/// Whether a word matches is the search index's decision (`SearchIndex.highlights`), so the
/// snippet marks exactly what the search found ("e-postadressen" for "adress", "lösenord?" for
/// "losenordet").
enum SearchSnippet {
    /// Words looked at for the first match; a guide found by its title alone shows its beginning.
    static let scannedWords = 400

    static func make(text: String, radius: Int = 12, isMatch: (String) -> Bool) -> String {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var matches: [Int: Bool] = [:]
        func matchesAt(_ index: Int) -> Bool {
            if let known = matches[index] { return known }
            let match = isMatch(words[index])
            matches[index] = match
            return match
        }
        let first = words.indices.prefix(scannedWords).first(where: matchesAt) ?? 0
        let start = max(0, first - radius / 2)
        let end = min(words.count, start + radius * 2)
        var snippet = (start..<end).map { index in
            matchesAt(index) ? "<mark>" + HTMLEscaping.escape(words[index]) + "</mark>" : HTMLEscaping.escape(words[index])
        }.joined(separator: " ")
        if start > 0 { snippet = "… " + snippet }
        if end < words.count { snippet += " …" }
        return snippet
    }
}
