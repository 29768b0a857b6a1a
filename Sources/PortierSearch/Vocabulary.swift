/// The words of one language's guides, and everything looked up by them: each word's stem and
/// compound parts, the diacritic-free spellings, a sorted list for completing a word being typed,
/// and the typo corrector.
struct Vocabulary: Sendable {
    struct Word: Sendable {
        let stem: String
        /// How many guides use the word: the more common of two equally close corrections wins.
        let documentFrequency: Int
        /// The spelling shown back to a visitor ("e-post", not "epost").
        let display: String
        /// Stems of the word's compound parts, empty when it is not a compound of known words.
        let partStems: [String]
    }

    let words: [String: Word]
    /// Normalized words by their folded spelling (several words may fold alike).
    let wordsByFoldedSpelling: [String: [String]]
    /// Folded spellings, sorted, for finding the words that start with a prefix.
    let sortedFoldedSpellings: [String]
    let corrector: TypoCorrector

    init(words: [String: Word]) {
        self.words = words
        var byFolded: [String: [String]] = [:]
        for text in words.keys.sorted() {
            byFolded[TextNormalization.folded(text), default: []].append(text)
        }
        wordsByFoldedSpelling = byFolded
        sortedFoldedSpellings = byFolded.keys.sorted()
        corrector = TypoCorrector(words: byFolded.keys.filter { !$0.contains(where: \.isNumber) })
    }

    /// Normalized words whose folded spelling starts with `foldedPrefix`, at most `limit`.
    func words(withFoldedPrefix foldedPrefix: String, limit: Int) -> [String] {
        var low = 0
        var high = sortedFoldedSpellings.count
        while low < high {
            let middle = (low + high) / 2
            if sortedFoldedSpellings[middle] < foldedPrefix { low = middle + 1 } else { high = middle }
        }
        var result: [String] = []
        var index = low
        while index < sortedFoldedSpellings.count, result.count < limit,
              sortedFoldedSpellings[index].hasPrefix(foldedPrefix) {
            result.append(contentsOf: wordsByFoldedSpelling[sortedFoldedSpellings[index]] ?? [])
            index += 1
        }
        return result
    }

    /// The most used word spelt `folded` when diacritics are ignored.
    func mostFrequentWord(folded: String) -> String? {
        (wordsByFoldedSpelling[folded] ?? []).max { lhs, rhs in
            let left = words[lhs]?.documentFrequency ?? 0
            let right = words[rhs]?.documentFrequency ?? 0
            return left != right ? left < right : lhs > rhs
        }
    }
}
