/// The help center's search: typo-tolerant, compound-aware, synonym-aware ranking of guides,
/// entirely in memory, so results are the same on SQLite and PostgreSQL and no search server is
/// needed.
///
/// Build one from all published guides (both languages) and the operators' synonym files, keep
/// it (it is immutable and `Sendable`, safe to share between requests), and build a new one when
/// guides change:
///
/// ```swift
/// let index = SearchIndex(documents: documents, synonyms: [.swedish: swedishSynonyms, .english: englishSynonyms])
/// let hits = index.search("kan inte logga in", language: .swedish)
/// let titles = index.instant("lösen", language: .swedish)
/// let proposal = hits.isEmpty ? index.didYouMean("lösneordet", language: .swedish) : nil
/// ```
///
/// No input can make it fail: any Unicode is accepted, only letters and digits are ever words,
/// and queries are cut at 200 characters.
public struct SearchIndex: Sendable {
    private let indexes: [SearchLanguage: LanguageIndex]

    /// - Parameters:
    ///   - documents: the guides of all languages; each is searched only in its own language.
    ///   - synonyms: the parsed `Resources/Search/synonyms.<language>` per language.
    public init(documents: [SearchDocument], synonyms: [SearchLanguage: SynonymList] = [:]) {
        var indexes: [SearchLanguage: LanguageIndex] = [:]
        for language in SearchLanguage.allCases {
            indexes[language] = LanguageIndex(
                documents: documents.filter { $0.language == language },
                language: language,
                synonyms: synonyms[language] ?? .empty
            )
        }
        self.indexes = indexes
    }

    /// The guides matching `query`, best first. Stop words never decide the order; guides with
    /// all meaningful words come before guides with some; words as typed before typo corrections.
    public func search(_ query: String, language: SearchLanguage, limit: Int = 20) -> [SearchHit] {
        indexes[language]?.search(query, limit: limit) ?? []
    }

    /// Results while the visitor types (from two letters): the last word, unless followed by a
    /// space, is completed to every word of the guides it starts.
    public func instant(_ prefix: String, language: SearchLanguage, limit: Int = 5) -> [SearchHit] {
        indexes[language]?.instant(prefix, limit: limit) ?? []
    }

    /// "Menade du …?": the query with misspelt or unknown words replaced by the closest words of
    /// the guides, when that query finds something; nil when the query is fine as typed.
    public func didYouMean(_ query: String, language: SearchLanguage) -> String? {
        indexes[language]?.didYouMean(query)
    }

    /// Whether a word of a guide's text should be highlighted in the snippet of `hit`
    /// ("e-postadressen" is, for a hit that matched "adress").
    public func highlights(_ word: String, in hit: SearchHit, language: SearchLanguage) -> Bool {
        guard let index = indexes[language] else { return false }
        return !index.terms(ofWord: word).isDisjoint(with: hit.matchedTerms)
    }
}
