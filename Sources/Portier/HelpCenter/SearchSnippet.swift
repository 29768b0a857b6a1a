import Foundation
import NIOConcurrencyHelpers

/// A short excerpt around the first matching word, HTML-escaped, matches wrapped in `<mark>`.
enum SearchSnippet {
    static func make(text: String, queryStems: Set<String>, language: Language, radius: Int = 12) -> String {
        let tokens = TokenizedText.make(text, language: language)
        let words = tokens.words
        func isMatch(_ index: Int) -> Bool {
            tokens.stems[index].contains { stem in queryStems.contains { stem.hasPrefix($0) } }
        }
        let first = words.indices.first(where: isMatch) ?? 0
        let start = max(0, first - radius / 2)
        let end = min(words.count, start + radius * 2)
        var snippet = (start..<end).map { index in
            isMatch(index) ? "<mark>" + HTMLEscaping.escape(words[index]) + "</mark>" : HTMLEscaping.escape(words[index])
        }.joined(separator: " ")
        if start > 0 { snippet = "… " + snippet }
        if end < words.count { snippet += " …" }
        return snippet
    }
}

/// A guide's text split into words, with each word's stems: stemming every word of every hit on
/// every search made search 100 times slower than a guide page (bench/guide-vs-static), and guide
/// texts only change at import, so each text is split and stemmed once per process.
struct TokenizedText: Sendable {
    let words: [String]
    let stems: [[String]]

    private struct Key: Hashable {
        let text: String
        let language: Language
    }

    /// Bounded: the guides' texts, with room for many times as many; cleared when full.
    private static let capacity = 2_000
    private static let memo = NIOLockedValueBox<[Key: TokenizedText]>([:])

    static func make(_ text: String, language: Language) -> TokenizedText {
        let key = Key(text: text, language: language)
        if let known = memo.withLockedValue({ $0[key] }) { return known }
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let tokens = TokenizedText(words: words, stems: words.map { GuideSearchIndex.stems($0, language: language) })
        memo.withLockedValue { memo in
            if memo.count >= capacity { memo.removeAll() }
            memo[key] = tokens
        }
        return tokens
    }
}
