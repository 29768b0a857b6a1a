import Foundation

/// A short excerpt around the first matching word, HTML-escaped, matches wrapped in `<mark>`.
enum SearchSnippet {
    static func make(text: String, queryStems: Set<String>, language: Language, radius: Int = 12) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        func isMatch(_ word: String) -> Bool {
            let stems = GuideSearchIndex.stems(word, language: language)
            return stems.contains { stem in queryStems.contains { stem.hasPrefix($0) } }
        }
        let first = words.firstIndex(where: isMatch) ?? 0
        let start = max(0, first - radius / 2)
        let end = min(words.count, start + radius * 2)
        var snippet = words[start..<end].map { word in
            isMatch(word) ? "<mark>" + HTMLEscaping.escape(word) + "</mark>" : HTMLEscaping.escape(word)
        }.joined(separator: " ")
        if start > 0 { snippet = "… " + snippet }
        if end < words.count { snippet += " …" }
        return snippet
    }
}
