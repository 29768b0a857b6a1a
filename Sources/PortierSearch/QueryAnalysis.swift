/// Turning a visitor's query into a `QueryPlan`: words, stop words, and for each meaningful word
/// the stems that satisfy it, tried in order of certainty: the word as typed (with its
/// diacritic-free spellings and synonyms), its compound parts, and only then typo corrections.
extension LanguageIndex {
    /// Queries are cut here, before any work: no help-center question is longer.
    static let maximumQueryLength = 200
    /// Terms beyond this are ignored; they no longer change which guide is meant.
    static let maximumTerms = 12
    /// How many completions of an unfinished word are searched.
    static let maximumCompletions = 40

    /// - Parameter completingLastWord: treat a last word without anything after it as unfinished
    ///   and search every word it starts (instant results as the visitor types).
    func plan(for query: String, completingLastWord: Bool = false) -> QueryPlan {
        let words = queryWords(in: String(query.prefix(Self.maximumQueryLength)))
        let hasContent = words.contains { !$0.isStopWord }
        let meaningful = words.filter { !hasContent || !$0.isStopWord }.prefix(Self.maximumTerms)
        let terms = meaningful.enumerated().map { offset, word in
            let isUnfinished = completingLastWord && word.isAtEnd && offset == meaningful.count - 1
            return isUnfinished ? completionTerm(for: word) : term(for: word)
        }
        return QueryPlan(words: words, terms: terms)
    }

    /// Tokens, with neighbours joined when together they are a known word or synonym.
    func queryWords(in query: String) -> [QueryWord] {
        let tokens = Tokenizer.tokens(in: query)
        var words: [QueryWord] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if index + 1 < tokens.count {
                let next = tokens[index + 1]
                let joined = token.text + next.text
                if vocabulary.words[joined] != nil || synonyms.joinedWords.contains(joined) {
                    words.append(QueryWord(
                        text: joined, display: token.display + " " + next.display, pieces: [token.text, next.text],
                        isStopWord: false, isAtEnd: next.isAtEnd
                    ))
                    index += 2
                    continue
                }
            }
            let isStopWord = language.isStopWord(token.text) || (token.text.count < 2 && !token.text.contains(where: \.isNumber))
            words.append(QueryWord(text: token.text, display: token.display, pieces: [], isStopWord: isStopWord, isAtEnd: token.isAtEnd))
            index += 1
        }
        return words
    }

    private func term(for word: QueryWord) -> QueryPlan.Term {
        var alternatives: [QueryPlan.Alternative] = []
        var resolution = QueryPlan.Resolution.unknown
        let direct = directChoices(for: word.text)
        if !direct.isEmpty {
            alternatives.append(.init(parts: [direct], weight: 1, isCorrected: false))
            resolution = .known
        } else if let parts = compoundChoices(for: word.text) {
            alternatives.append(.init(parts: parts, weight: RankingWeights.compoundParts, isCorrected: false))
            resolution = .known
        }
        // Written apart ("e post"): the pieces themselves also satisfy the term together.
        let pieces = word.pieces.filter { !language.isStopWord($0) }.map(directChoices)
        if !pieces.isEmpty, !pieces.contains(where: \.isEmpty) {
            alternatives.append(.init(parts: pieces, weight: 1, isCorrected: false))
            resolution = .known
        }
        if alternatives.isEmpty {
            let corrections = vocabulary.corrector.corrections(of: TextNormalization.folded(word.text))
            var choices: [String: Double] = [:]
            var correctedWords: [(word: String, frequency: Int)] = []
            for correction in corrections {
                let weight = RankingWeights.correction(distance: correction.distance)
                for text in vocabulary.wordsByFoldedSpelling[correction.word] ?? [] {
                    guard let entry = vocabulary.words[text] else { continue }
                    correctedWords.append((text, entry.documentFrequency))
                    choices[entry.stem] = max(choices[entry.stem] ?? 0, weight)
                    for synonym in synonyms.synonyms(of: entry.stem) where postings[synonym] != nil {
                        choices[synonym] = max(choices[synonym] ?? 0, weight * RankingWeights.synonym)
                    }
                }
            }
            if !choices.isEmpty {
                alternatives.append(.init(parts: [Self.sorted(choices)], weight: 1, isCorrected: true))
                let ordered = correctedWords.sorted { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.word < $1.word }
                resolution = .corrected(ordered.map(\.word))
            }
        }
        return QueryPlan.Term(word: word, alternatives: alternatives, resolution: resolution)
    }

    /// An unfinished last word: every indexed word it starts, plus what the word itself means.
    private func completionTerm(for word: QueryWord) -> QueryPlan.Term {
        let prefix = TextNormalization.folded(word.text)
        var choices: [String: Double] = [:]
        var frequencies: [String: Int] = [:]
        for text in vocabulary.words(withFoldedPrefix: prefix, limit: 400) {
            guard let entry = vocabulary.words[text], postings[entry.stem] != nil else { continue }
            let weight = TextNormalization.folded(text) == prefix ? 1 : RankingWeights.prefixCompletion
            choices[entry.stem] = max(choices[entry.stem] ?? 0, weight)
            frequencies[entry.stem] = max(frequencies[entry.stem] ?? 0, entry.documentFrequency)
        }
        if choices.count > Self.maximumCompletions {
            let kept = choices.keys.sorted {
                let left = (choices[$0] ?? 0, frequencies[$0] ?? 0)
                let right = (choices[$1] ?? 0, frequencies[$1] ?? 0)
                return left != right ? left > right : $0 < $1
            }.prefix(Self.maximumCompletions)
            choices = choices.filter { kept.contains($0.key) }
        }
        for choice in directChoices(for: word.text) {
            choices[choice.stem] = max(choices[choice.stem] ?? 0, choice.weight)
        }
        guard !choices.isEmpty else { return term(for: word) }
        return QueryPlan.Term(
            word: word, alternatives: [.init(parts: [Self.sorted(choices)], weight: 1, isCorrected: false)], resolution: .known
        )
    }

    /// The indexed stems that mean `text` without any correction: its stem, the stems spelt alike
    /// without diacritics, and the synonyms of all of them.
    func directChoices(for text: String) -> [QueryPlan.Choice] {
        let stem = language.stem(text)
        var choices: [String: Double] = [:]
        var meanings = [stem]
        if postings[stem] != nil { choices[stem] = 1 }
        if let entry = vocabulary.words[text] {
            choices[entry.stem] = 1
            meanings.append(entry.stem)
        }
        let folded = TextNormalization.folded(text)
        var foldedStems = stemsByFoldedStem[TextNormalization.folded(stem)] ?? []
        foldedStems += (vocabulary.wordsByFoldedSpelling[folded] ?? []).compactMap { vocabulary.words[$0]?.stem }
        for foldedStem in foldedStems where postings[foldedStem] != nil {
            choices[foldedStem] = max(choices[foldedStem] ?? 0, RankingWeights.foldedSpelling)
            meanings.append(foldedStem)
        }
        for meaning in meanings {
            let weight = (choices[meaning] ?? 1) * RankingWeights.synonym
            for synonym in synonyms.synonyms(of: meaning) where postings[synonym] != nil {
                choices[synonym] = max(choices[synonym] ?? 0, weight)
            }
        }
        return Self.sorted(choices)
    }

    /// The parts of a compound the guides do not use as a whole, each with its choices.
    private func compoundChoices(for text: String) -> [[QueryPlan.Choice]]? {
        guard !text.contains(where: \.isNumber) else { return nil }
        var choicesByPart: [String: [QueryPlan.Choice]] = [:]
        func choices(_ part: String) -> [QueryPlan.Choice] {
            if let known = choicesByPart[part] { return known }
            let found = language.isStopWord(part) ? [] : directChoices(for: part)
            choicesByPart[part] = found
            return found
        }
        guard let parts = CompoundSplitter.parts(
            of: text,
            isLeadingPart: { vocabulary.words[$0] != nil || postings[$0] != nil || synonyms.joinedWords.contains($0) ? !choices($0).isEmpty : false },
            isFinalPart: { !choices($0).isEmpty }
        ) else { return nil }
        return parts.map(choices)
    }

    private static func sorted(_ choices: [String: Double]) -> [QueryPlan.Choice] {
        choices.map { QueryPlan.Choice(stem: $0.key, weight: $0.value) }.sorted { $0.stem < $1.stem }
    }
}
