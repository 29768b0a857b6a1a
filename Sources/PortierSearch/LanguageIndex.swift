import Foundation

/// The search index of one language's guides: built once from the documents, never changed
/// afterwards (a new index is built when guides change), so it can be shared by every request.
struct LanguageIndex: Sendable {
    struct Document: Sendable {
        let id: String
        let popularity: Int
        /// The stems of each keyword of two or more words ("ändra adress"): the author's own
        /// words for what the guide answers, rewarded when a query contains one whole.
        let keywordPhrases: [[String]]
    }

    let language: SearchLanguage
    let documents: [Document]
    let vocabulary: Vocabulary
    let postings: [String: [Posting]]
    /// Folded stem → the indexed stems that fold to it ("losenord" → "lösenord").
    let stemsByFoldedStem: [String: [String]]
    let synonyms: SynonymTable

    init(documents sources: [SearchDocument], language: SearchLanguage, synonyms synonymList: SynonymList) {
        self.language = language
        let synonyms = SynonymTable(synonymList, language: language)
        self.synonyms = synonyms
        documents = sources.map { source in
            let phrases = source.keywords.map { keyword in
                Tokenizer.tokens(in: keyword).map(\.text).filter { !language.isStopWord($0) }.map(language.stem)
            }
            return Document(
                id: source.id,
                popularity: RankingWeights.popularity(views: source.views, yesVotes: source.yesVotes),
                keywordPhrases: phrases.filter { $0.count > 1 }
            )
        }

        // 1. Words per field per guide, and which guides use each word.
        var fieldWords: [[DocumentField: [String: Int]]] = []
        var fieldTokens: [[DocumentField: [[String]]]] = []
        var bodyLengths: [Int] = []
        var documentFrequency: [String: Int] = [:]
        var displays: [String: [String: Int]] = [:]
        for source in sources {
            var fields: [DocumentField: [String: Int]] = [:]
            var tokensByField: [DocumentField: [[String]]] = [:]
            let texts: [(DocumentField, [String])] = [
                (.title, [source.title]), (.keywords, source.keywords), (.headings, source.headings), (.body, [source.body]),
            ]
            var bodyLength = 0
            for (field, fieldTexts) in texts {
                for text in fieldTexts {
                    let tokens = Tokenizer.tokens(in: text)
                    tokensByField[field, default: []].append(tokens.map(\.text))
                    for token in tokens {
                        fields[field, default: [:]][token.text, default: 0] += 1
                        displays[token.text, default: [:]][token.display, default: 0] += 1
                        if field == .body { bodyLength += 1 }
                    }
                }
            }
            for word in Set(fields.values.flatMap(\.keys)) {
                documentFrequency[word, default: 0] += 1
            }
            fieldWords.append(fields)
            fieldTokens.append(tokensByField)
            bodyLengths.append(bodyLength)
        }

        // Two words written apart that are also a word written together ("log in" and "login",
        // "mina sidor" of the synonyms) are indexed as that word too, as queries are read.
        var joinedWords: [[DocumentField: [String: Int]]] = []
        for tokensByField in fieldTokens {
            var joined: [DocumentField: [String: Int]] = [:]
            for (field, texts) in tokensByField {
                for tokens in texts where tokens.count > 1 {
                    for index in 1..<tokens.count {
                        let word = tokens[index - 1] + tokens[index]
                        if documentFrequency[word] != nil || synonyms.joinedWords.contains(word) {
                            joined[field, default: [:]][word, default: 0] += 1
                        }
                    }
                }
            }
            joinedWords.append(joined)
        }
        for joined in joinedWords {
            for word in Set(joined.values.flatMap(\.keys)) {
                documentFrequency[word, default: 0] += 1
            }
        }

        // 2. Stems, then compound parts against the stems and words of all guides.
        var stemOf: [String: String] = [:]
        for word in documentFrequency.keys {
            stemOf[word] = language.stem(word)
        }
        let knownStems = Set(stemOf.values)
        var words: [String: Vocabulary.Word] = [:]
        for (word, frequency) in documentFrequency {
            let stem = stemOf[word] ?? word
            let parts = CompoundSplitter.parts(
                of: word,
                isLeadingPart: { $0 != word && !language.isStopWord($0) && (stemOf[$0] != nil || knownStems.contains($0)) },
                isFinalPart: { $0 != word && !language.isStopWord($0) && (stemOf[$0] != nil || knownStems.contains(language.stem($0))) }
            )
            let partStems = (parts ?? []).map { stemOf[$0] ?? language.stem($0) }
            let display = (displays[word] ?? [:]).max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? word
            words[word] = Vocabulary.Word(stem: stem, documentFrequency: frequency, display: display, partStems: partStems)
        }
        vocabulary = Vocabulary(words: words)

        // 3. Occurrences per stem per guide, compound parts counting as fractions.
        var occurrences: [String: [Int32: FieldOccurrences]] = [:]
        for (documentIndex, fields) in fieldWords.enumerated() {
            let document = Int32(documentIndex)
            for (field, counts) in joinedWords[documentIndex] {
                for (word, count) in counts {
                    guard let entry = words[word] else { continue }
                    occurrences[entry.stem, default: [:]][document, default: FieldOccurrences()][field] += Double(count)
                }
            }
            for (field, counts) in fields {
                for (word, count) in counts {
                    guard let entry = words[word] else { continue }
                    occurrences[entry.stem, default: [:]][document, default: FieldOccurrences()][field] += Double(count)
                    for part in Set(entry.partStems) where part != entry.stem {
                        occurrences[part, default: [:]][document, default: FieldOccurrences()][field]
                            += Double(count) * RankingWeights.compoundPartOccurrence
                    }
                }
            }
        }

        // 4. Field weights; rarity is applied at query time (see `rarity(ofChoices:)`).
        let averageBodyLength = bodyLengths.isEmpty ? 0 : Double(bodyLengths.reduce(0, +)) / Double(bodyLengths.count)
        var postings: [String: [Posting]] = [:]
        var stemsByFoldedStem: [String: [String]] = [:]
        for (stem, byDocument) in occurrences {
            postings[stem] = byDocument.keys.sorted().map { document in
                let fields = byDocument[document] ?? FieldOccurrences()
                let weight = fields.weight(bodyLength: bodyLengths[Int(document)], averageBodyLength: averageBodyLength)
                return Posting(document: document, weight: Float(weight))
            }
            stemsByFoldedStem[TextNormalization.folded(stem), default: []].append(stem)
        }
        self.postings = postings
        self.stemsByFoldedStem = stemsByFoldedStem.mapValues { $0.sorted() }
    }

    /// BM25's inverse document frequency of one query part, taken over all its choices together
    /// as if they were one word: the part's spellings, synonyms and corrections are one meaning,
    /// so a rare synonym ("mejla" in one guide) must not outweigh the common word the visitor
    /// meant ("e-post" in many), which is what each choice's own rarity would do.
    func rarity(ofChoices choices: [QueryPlan.Choice]) -> Double {
        rarity(documentFrequency: choices.reduce(0) { max($0, postings[$1.stem]?.count ?? 0) })
    }

    func rarity(documentFrequency: Int) -> Double {
        let documentCount = Double(documents.count)
        let frequency = Double(documentFrequency)
        return log(1 + (documentCount - frequency + 0.5) / (frequency + 0.5))
    }
}
