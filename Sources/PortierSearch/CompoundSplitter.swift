/// Splits a Swedish compound into known words: "domänförnyelse" → "domän" + "förnyelse",
/// "lösenordsbyte" → "lösenord" + (linking s) + "byte". A visitor writes compounds the guides
/// never use, and the guides use compounds a visitor writes apart; both are only found when
/// compounds are also searched and indexed as their parts.
///
/// Splitting is by dictionary, never by rule: every part must be a word the guides use (or a
/// synonym), at least three letters long and not a stop word, so that no compound is cut into
/// fragments that merely happen to be spelt like words.
enum CompoundSplitter {
    static let minimumPartLength = 3

    /// The parts of `word` with the fewest parts (at least two), or nil when it cannot be split.
    /// - Parameters:
    ///   - isLeadingPart: whether a string is a known word that may start or continue a compound.
    ///   - isFinalPart: whether a string is a known word that may end one (inflected, so
    ///     "förnyelsen" ends "domänförnyelsen").
    static func parts(
        of word: String,
        isLeadingPart: (String) -> Bool,
        isFinalPart: (String) -> Bool
    ) -> [String]? {
        let letters = Array(word)
        let count = letters.count
        guard count >= 2 * minimumPartLength else { return nil }
        // fewest[i]: the fewest leading parts that make up letters[0..<i], and where the last began.
        var fewest = [(parts: Int, start: Int)?](repeating: nil, count: count + 1)
        fewest[0] = (0, 0)
        for end in stride(from: minimumPartLength, through: count - minimumPartLength, by: 1) {
            for start in 0...(end - minimumPartLength) {
                guard let before = fewest[start] else { continue }
                let part = String(letters[start..<end])
                let linked = part.count > minimumPartLength && part.hasSuffix("s") ? String(part.dropLast()) : nil
                guard isLeadingPart(part) || linked.map(isLeadingPart) == true else { continue }
                if fewest[end] == nil || before.parts + 1 < fewest[end]!.parts {
                    fewest[end] = (before.parts + 1, start)
                }
            }
        }
        var best: (parts: Int, split: Int)?
        for split in stride(from: minimumPartLength, through: count - minimumPartLength, by: 1) {
            guard let leading = fewest[split], best == nil || leading.parts + 1 < best!.parts,
                  isFinalPart(String(letters[split...])) else { continue }
            best = (leading.parts + 1, split)
        }
        guard let best else { return nil }
        var parts = [String(letters[best.split...])]
        var end = best.split
        while end > 0, let step = fewest[end] {
            var part = String(letters[step.start..<end])
            if !isLeadingPart(part), part.hasSuffix("s") { part.removeLast() }
            parts.append(part)
            end = step.start
        }
        return parts.reversed()
    }
}
