/// The three questions the help center asks an index.
extension LanguageIndex {
    func search(_ query: String, limit: Int) -> [SearchHit] {
        rank(plan(for: query), limit: limit)
    }

    /// Results for what a visitor has typed so far; nothing below two letters.
    func instant(_ prefix: String, limit: Int) -> [SearchHit] {
        let letters = Tokenizer.tokens(in: String(prefix.prefix(Self.maximumQueryLength))).reduce(0) { $0 + $1.text.count }
        guard letters >= 2 else { return [] }
        return rank(plan(for: prefix, completingLastWord: true), limit: limit)
    }

    /// The query with each word that was corrected, or that matches nothing, replaced by the
    /// closest word of the guides; nil when the query is fine as typed or no such query finds
    /// anything.
    func didYouMean(_ query: String) -> String? {
        let plan = plan(for: query)
        var termsByPosition: [Int: QueryPlan.Term] = [:]
        var termIndex = 0
        for (position, word) in plan.words.enumerated() where termIndex < plan.terms.count {
            if plan.terms[termIndex].word.text == word.text && plan.terms[termIndex].word.isAtEnd == word.isAtEnd {
                termsByPosition[position] = plan.terms[termIndex]
                termIndex += 1
            }
        }
        var changed = false
        var proposal: [String] = []
        for (position, word) in plan.words.enumerated() {
            guard let term = termsByPosition[position] else {
                proposal.append(word.display)
                continue
            }
            switch term.resolution {
            case .known:
                proposal.append(word.display)
            case .corrected(let candidates):
                changed = true
                if let best = candidates.first { proposal.append(display(of: best)) }
            case .unknown:
                changed = true
                if let nearest = nearestWord(to: word.text) { proposal.append(display(of: nearest)) }
            }
        }
        guard changed else { return nil }
        let suggestion = proposal.joined(separator: " ")
        guard !suggestion.isEmpty, !search(suggestion, limit: 1).isEmpty else { return nil }
        return suggestion
    }

    /// The index terms a word of a guide's text is found by: its stem and its compound parts'
    /// stems. A snippet marks the word when one of them is among a hit's `matchedTerms`.
    func terms(ofWord word: String) -> Set<String> {
        var terms = Set<String>()
        for token in Tokenizer.tokens(in: word) {
            let stem = language.stem(token.text)
            terms.insert(stem)
            // A form the guides do not use ("e-postadressen") has the parts of its stem's word.
            if let entry = vocabulary.words[token.text] ?? vocabulary.words[stem] {
                terms.insert(entry.stem)
                terms.formUnion(entry.partStems)
            }
        }
        return terms
    }

    private func display(of word: String) -> String {
        vocabulary.words[word]?.display ?? word
    }

    /// The closest word of the guides, further away than typo correction looks (up to a third of
    /// the word's letters), for proposing rather than silently searching.
    private func nearestWord(to word: String) -> String? {
        let folded = Array(TextNormalization.folded(word).unicodeScalars)
        guard folded.count >= 3 else { return nil }
        let maximum = min(3, max(1, folded.count / 3))
        var best: (word: String, distance: Int, frequency: Int)?
        for candidate in vocabulary.sortedFoldedSpellings {
            let letters = Array(candidate.unicodeScalars)
            guard letters.count >= 3,
                  let distance = EditDistance.optimalStringAlignment(folded, letters, maximum: min(maximum, best?.distance ?? maximum))
            else { continue }
            guard let text = vocabulary.mostFrequentWord(folded: candidate) else { continue }
            let frequency = vocabulary.words[text]?.documentFrequency ?? 0
            if let current = best, current.distance < distance || (current.distance == distance && current.frequency >= frequency) {
                continue
            }
            best = (text, distance, frequency)
        }
        return best?.word
    }
}
