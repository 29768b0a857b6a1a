/// Ordering the guides that match a plan. The order is decided, in this priority:
/// 1. how many of the query's meaningful terms a guide contains (all above some);
/// 2. how many of them it contains as typed, not only through a typo correction;
/// 3. the weighted score: field weights × rarity (of the term's variants together) × how
///    directly each term was matched, plus a bonus for a multi-word keyword the query contains
///    whole ("ändra adress" for "hur ändrar jag min adress");
/// 4. popularity, only between guides equal in all of the above;
/// 5. the id, so that the order is the same on every run and every database.
extension LanguageIndex {
    func rank(_ plan: QueryPlan, limit: Int) -> [SearchHit] {
        let count = documents.count
        guard count > 0, limit > 0, !plan.terms.isEmpty else { return [] }
        var coverage = [Double](repeating: 0, count: count)
        var exactTerms = [Int](repeating: 0, count: count)
        var matchedTerms = [Int](repeating: 0, count: count)
        var score = [Double](repeating: 0, count: count)

        for term in plan.terms {
            var termScore = [Double](repeating: 0, count: count)
            var termCoverage = [Double](repeating: 0, count: count)
            var termExact = [Bool](repeating: false, count: count)
            for alternative in term.alternatives {
                let partCount = Double(alternative.parts.count)
                var sum = [Double](repeating: 0, count: count)
                var found = [Int](repeating: 0, count: count)
                for choices in alternative.parts {
                    let rarity = rarity(ofChoices: choices)
                    var best = [Double](repeating: -1, count: count)
                    for choice in choices {
                        for posting in postings[choice.stem] ?? [] {
                            let document = Int(posting.document)
                            best[document] = max(best[document], choice.weight * Double(posting.weight) * rarity)
                        }
                    }
                    for document in 0..<count where best[document] >= 0 {
                        sum[document] += best[document]
                        found[document] += 1
                    }
                }
                for document in 0..<count where found[document] > 0 {
                    let fraction = Double(found[document]) / partCount
                    termScore[document] = max(termScore[document], alternative.weight * sum[document] / partCount)
                    termCoverage[document] = max(termCoverage[document], fraction)
                    if !alternative.isCorrected && found[document] == alternative.parts.count {
                        termExact[document] = true
                    }
                }
            }
            for document in 0..<count where termCoverage[document] > 0 {
                coverage[document] += termCoverage[document]
                score[document] += termScore[document]
                matchedTerms[document] += 1
                if termExact[document] { exactTerms[document] += 1 }
            }
        }

        // Keyword phrases, with the stems the query asks for as typed (no corrections).
        let askedStems = Set(plan.terms.flatMap { term in
            term.alternatives.filter { !$0.isCorrected }.flatMap { $0.parts.flatMap { $0.map(\.stem) } }
        })
        if askedStems.count > 1 {
            for document in 0..<count where coverage[document] > 0 {
                for phrase in documents[document].keywordPhrases where phrase.allSatisfy(askedStems.contains) {
                    let phraseRarity = phrase.reduce(0) { $0 + self.rarity(documentFrequency: postings[$1]?.count ?? 0) }
                    score[document] += RankingWeights.keywordPhrase * phraseRarity
                }
            }
        }

        struct Candidate {
            let document: Int
            let coverage: Int
            let exactTerms: Int
            let score: Int64
        }
        let candidates = (0..<count).filter { coverage[$0] > 0 }.map { document in
            // Quantized, so that floating-point noise never decides between equal guides.
            Candidate(
                document: document,
                coverage: Int((coverage[document] * 1000).rounded()),
                exactTerms: exactTerms[document],
                score: Int64((score[document] * 1_000_000).rounded())
            )
        }
        let ordered = candidates.sorted { lhs, rhs in
            if lhs.coverage != rhs.coverage { return lhs.coverage > rhs.coverage }
            if lhs.exactTerms != rhs.exactTerms { return lhs.exactTerms > rhs.exactTerms }
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            let left = documents[lhs.document], right = documents[rhs.document]
            if left.popularity != right.popularity { return left.popularity > right.popularity }
            return left.id < right.id
        }

        let stems = plan.stems
        return ordered.prefix(limit).map { candidate in
            let document = Int32(candidate.document)
            let matched = stems.filter { postings[$0]?.contains(document: document) == true }
            return SearchHit(
                id: documents[candidate.document].id,
                score: score[candidate.document],
                matchedTerms: matched,
                isCorrected: exactTerms[candidate.document] < matchedTerms[candidate.document]
            )
        }
    }
}
