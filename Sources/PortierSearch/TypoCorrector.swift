/// Finds the vocabulary words within the allowed edit distance of a misspelt word, without
/// comparing it to every word: a symmetric deletion index (as in SymSpell). Every vocabulary word
/// is stored under each string it becomes by deleting up to two letters; a typed word's own
/// deletions then meet those of every word within that distance, and only those few candidates
/// are measured exactly (optimal string alignment, so a transposition counts as one).
///
/// Words are compared in their folded (diacritic-free) form, so "losnord" is corrected as
/// readily as "lösnord".
struct TypoCorrector: Sendable {
    struct Correction: Sendable, Hashable {
        /// The folded vocabulary word.
        let word: String
        let distance: Int
    }

    private let words: [[Unicode.Scalar]]
    private let wordTexts: [String]
    private let deletions: [String: [Int32]]

    /// - Parameter words: folded vocabulary words; words shorter than three letters are never
    ///   a correction.
    init<Words: Sequence<String>>(words: Words) {
        var scalars: [[Unicode.Scalar]] = []
        var texts: [String] = []
        var deletions: [String: [Int32]] = [:]
        for word in Set(words).sorted() {
            let letters = Array(word.unicodeScalars)
            guard letters.count >= 3 else { continue }
            let id = Int32(scalars.count)
            scalars.append(letters)
            texts.append(word)
            // A word of up to five letters can only be reached from typed words of at most seven,
            // which are allowed one edit; longer words may meet typed words allowed two.
            let depth = letters.count >= 6 ? 2 : 1
            for deletion in Self.deletions(of: letters, depth: depth) {
                deletions[deletion, default: []].append(id)
            }
        }
        self.words = scalars
        self.wordTexts = texts
        self.deletions = deletions
    }

    /// The closest vocabulary words to `word` (folded) within the distance its length allows,
    /// all at the smallest distance found; empty when the word is too short or nothing is close.
    func corrections(of word: String) -> [Correction] {
        let letters = Array(word.unicodeScalars)
        let allowed = EditDistance.allowedTypos(forLength: letters.count)
        guard allowed > 0 else { return [] }
        var seen = Set<Int32>()
        var best: [Correction] = []
        var bestDistance = Int.max
        for deletion in Self.deletions(of: letters, depth: allowed) {
            for id in deletions[deletion] ?? [] where seen.insert(id).inserted {
                let candidate = words[Int(id)]
                guard candidate != letters,
                      let distance = EditDistance.optimalStringAlignment(letters, candidate, maximum: min(allowed, bestDistance))
                else { continue }
                if distance < bestDistance {
                    bestDistance = distance
                    best = []
                }
                best.append(Correction(word: wordTexts[Int(id)], distance: distance))
            }
        }
        return best.sorted { $0.word < $1.word }
    }

    /// The word itself and every string made from it by deleting up to `depth` letters.
    private static func deletions(of letters: [Unicode.Scalar], depth: Int) -> Set<String> {
        var result: Set<String> = [String(String.UnicodeScalarView(letters))]
        var frontier: Set<[Unicode.Scalar]> = [letters]
        for _ in 0..<depth {
            var next = Set<[Unicode.Scalar]>()
            for candidate in frontier where candidate.count > 1 {
                for index in candidate.indices {
                    var shorter = candidate
                    shorter.remove(at: index)
                    if next.insert(shorter).inserted {
                        result.insert(String(String.UnicodeScalarView(shorter)))
                    }
                }
            }
            frontier = next
        }
        return result
    }
}
