/// The languages the help center is written in. Each language has its own stemmer, stop words,
/// synonyms and vocabulary, so a Swedish query is never corrected towards an English word.
public enum SearchLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    case swedish = "sv"
    case english = "en"
}
