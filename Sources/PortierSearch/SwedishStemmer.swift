/// A light Swedish stemmer after the Snowball algorithm (suffix stripping in three steps within
/// the region R1), so that definite and plural forms find each other: "lösenordet",
/// "lösenorden" → "lösenord"; "domänen", "domäner" → "domän"; "fakturan", "fakturor" → "faktur".
///
/// The suffix lists follow `Portier.SwedishStemmer` (moved here), including its additions to
/// Snowball: the definite endings "et", "ets", "an", "ans", which Snowball leaves alone.
enum SwedishStemmer {
    static func stem(_ word: String) -> String {
        var letters = Array(word)
        guard letters.count > 2 else { return word }
        let region = regionStart(letters)

        // Step 1: the longest suffix inside R1, or a final s after a valid s-ending.
        if let suffix = step1Suffixes.first(where: { ends(letters, with: $0, from: region) }) {
            letters.removeLast(suffix.count)
        } else if ends(letters, with: ["s"], from: region), letters.count >= 2,
                  validSEnding.contains(letters[letters.count - 2]) {
            letters.removeLast()
        }
        // Step 2: a doubled or clustered consonant at the end loses its last letter.
        if step2Endings.contains(where: { ends(letters, with: $0, from: region) }) {
            letters.removeLast()
        }
        // Step 3: "-fullt" → "-full", "-löst" → "-lös", or one of "lig", "els", "ig" removed.
        if ends(letters, with: fulltEnding, from: region) || ends(letters, with: lostEnding, from: region) {
            letters.removeLast()
        } else if let suffix = step3Suffixes.first(where: { ends(letters, with: $0, from: region) }) {
            letters.removeLast(suffix.count)
        }
        return String(letters)
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y", "ä", "å", "ö"]
    private static let validSEnding: Set<Character> = [
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "o", "p", "r", "t", "v", "y",
    ]
    /// Longest first: the first that fits is the longest.
    private static let step1Suffixes: [[Character]] = [
        "heterna", "hetens", "anden", "andes", "andet", "arens", "arnas", "ernas", "heten", "heter",
        "ornas", "ande", "ades", "aren", "arna", "arne", "aste", "erna", "erns", "orna", "ade", "ans",
        "are", "ast", "ens", "ern", "ets", "het", "ad", "an", "ar", "as", "at", "en", "er", "es", "et",
        "or", "a", "e",
    ].map(Array.init)
    private static let step2Endings: [[Character]] = ["dd", "gd", "nn", "dt", "gt", "kt", "tt"].map(Array.init)
    private static let step3Suffixes: [[Character]] = ["lig", "els", "ig"].map(Array.init)
    private static let fulltEnding = Array("fullt")
    private static let lostEnding = Array("löst")

    /// R1 starts after the first consonant that follows a vowel, but at least three letters in.
    private static func regionStart(_ letters: [Character]) -> Int {
        var index = 1
        while index < letters.count {
            if !vowels.contains(letters[index]) && vowels.contains(letters[index - 1]) {
                return max(index + 1, 3)
            }
            index += 1
        }
        return letters.count
    }

    private static func ends(_ letters: [Character], with suffix: [Character], from region: Int) -> Bool {
        let start = letters.count - suffix.count
        guard start >= 0, start >= region else { return false }
        return letters[start...].elementsEqual(suffix)
    }
}
