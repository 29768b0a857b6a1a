/// The operators' synonym groups in the index's normal form: each word tokenized (hyphens and
/// spaces dropped, so "e-mail", "e mail" and "email" are one), then stemmed, so that "mejlen"
/// finds the group of "mejl".
struct SynonymTable: Sendable {
    /// Each group's stems.
    private let groups: [[String]]
    private let groupsByStem: [String: [Int]]
    private let groupsByFoldedStem: [String: [Int]]
    /// The words of all groups as written together ("minasidor"): a visitor's "mina sidor" is
    /// recognized as one of them.
    let joinedWords: Set<String>

    init(_ list: SynonymList, language: SearchLanguage) {
        var groups: [[String]] = []
        var groupsByStem: [String: [Int]] = [:]
        var joinedWords = Set<String>()
        for words in list.groups {
            var stems: [String] = []
            for word in words {
                let joined = Tokenizer.tokens(in: word).map(\.text).joined()
                guard !joined.isEmpty else { continue }
                joinedWords.insert(joined)
                let stem = language.stem(joined)
                if !stems.contains(stem) { stems.append(stem) }
            }
            guard stems.count > 1 else { continue }
            for stem in stems {
                groupsByStem[stem, default: []].append(groups.count)
            }
            groups.append(stems)
        }
        self.groups = groups
        self.groupsByStem = groupsByStem
        var groupsByFoldedStem: [String: [Int]] = [:]
        for (stem, indices) in groupsByStem {
            groupsByFoldedStem[TextNormalization.folded(stem), default: []].append(contentsOf: indices)
        }
        self.groupsByFoldedStem = groupsByFoldedStem.mapValues { Array(Set($0)).sorted() }
        self.joinedWords = joinedWords
    }

    /// The other stems of every group `stem` belongs to, also when it is written without
    /// diacritics ("rakning" belongs to the group of "räkning").
    func synonyms(of stem: String) -> [String] {
        let indices = groupsByStem[stem] ?? groupsByFoldedStem[TextNormalization.folded(stem)] ?? []
        return indices.flatMap { groups[$0] }.filter { $0 != stem }
    }

    /// Whether `stem` belongs to any group.
    func contains(stem: String) -> Bool {
        groupsByStem[stem] != nil
    }
}
