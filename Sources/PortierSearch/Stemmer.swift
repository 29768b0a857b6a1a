extension SearchLanguage {
    /// The stem a normalized word is indexed and searched by.
    func stem(_ word: String) -> String {
        switch self {
        case .swedish: SwedishStemmer.stem(word)
        case .english: EnglishStemmer.stem(word)
        }
    }

    func isStopWord(_ word: String) -> Bool {
        StopWords.contains(word, language: self)
    }
}
