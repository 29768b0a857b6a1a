import Foundation

/// The Snowball Swedish stemmer (suffix stripping in three steps), so that the definite and plural
/// forms a Swedish reader types find each other: "lösenordet", "lösenorden" and "lösenord" all
/// become "lösenord"; "domänen" and "domäner" become "domän". PostgreSQL's own `swedish`
/// configuration misses several of these, so Portier stems itself and indexes the stems on
/// both databases.
enum SwedishStemmer {
    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y", "ä", "å", "ö"]
    private static let validSEnding: Set<Character> = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "o", "p", "r", "t", "v", "y"]
    /// Longest first, as Snowball requires. Portier adds the definite endings "et", "ets"
    /// ("lösenordet", "lösenordets") and "an", "ans" ("fakturan", "fakturans"), which Snowball
    /// leaves alone.
    private static let step1Suffixes: [[Character]] = [
        "heterna", "hetens", "anden", "andes", "andet", "arens", "arnas", "ernas", "heten", "heter", "ornas",
        "ande", "ades", "aren", "arna", "arne", "aste", "erna", "erns", "orna",
        "ade", "ans", "are", "ast", "ens", "ern", "ets", "het",
        "ad", "an", "ar", "as", "at", "en", "er", "es", "et", "or",
        "a", "e",
    ].map(Array.init)
    private static let step2Endings: [[Character]] = ["dd", "gd", "nn", "dt", "gt", "kt", "tt"].map(Array.init)
    private static let step3Endings: [[Character]] = ["lig", "els", "ig"].map(Array.init)
    private static let sEnding: [Character] = ["s"]
    private static let fulltEnding = Array("fullt")
    private static let lostEnding = Array("löst")

    static func stem(_ word: String) -> String {
        var letters = Array(word.lowercased())
        guard letters.count > 2 else { return String(letters) }
        let r1 = regionStart(letters)

        // Step 1: the longest suffix in R1; a final s only after a valid s-ending.
        if let suffix = step1Suffixes.first(where: { endsInRegion(letters, $0, r1) }) {
            letters.removeLast(suffix.count)
        } else if endsInRegion(letters, sEnding, r1), letters.count >= 2, validSEnding.contains(letters[letters.count - 2]) {
            letters.removeLast()
        }
        // Step 2: a doubled or clustered consonant ending loses its last letter.
        if step2Endings.contains(where: { endsInRegion(letters, $0, r1) }) {
            letters.removeLast()
        }
        // Step 3
        if endsInRegion(letters, fulltEnding, r1) {
            letters.removeLast()
        } else if endsInRegion(letters, lostEnding, r1) {
            letters.removeLast()
        } else if let suffix = step3Endings.first(where: { endsInRegion(letters, $0, r1) }) {
            letters.removeLast(suffix.count)
        }
        return String(letters)
    }

    /// Splits text into lower-cased words (letters and digits) and stems each one.
    static func stems(of text: String) -> [String] {
        words(in: text).map(stem)
    }

    /// Lower-cased runs of letters, digits and combining marks (each run with at least one letter
    /// or digit), classified per Unicode scalar after canonical composition. Classifying whole
    /// characters let syntax slip in: a character is a letter when its first scalar is, and a
    /// Prepend letter (U+0D4E) joins the next scalar, a quote or `|` too, into one character;
    /// such a word broke FTS5's `MATCH` and PostgreSQL's `to_tsquery`. No scalar kept here is
    /// search syntax in either.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var hasLetterOrDigit = false
        for scalar in text.lowercased().precomposedStringWithCanonicalMapping.unicodeScalars {
            switch WordScalar(scalar) {
            case .letterOrDigit:
                word.append(scalar)
                hasLetterOrDigit = true
            case .mark:
                word.append(scalar)
            case .separator:
                if hasLetterOrDigit { words.append(String(word)) }
                word = String.UnicodeScalarView()
                hasLetterOrDigit = false
            }
        }
        if hasLetterOrDigit { words.append(String(word)) }
        return words
    }

    private enum WordScalar {
        case letterOrDigit, mark, separator

        init(_ scalar: Unicode.Scalar) {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber:
                self = .letterOrDigit
            case .nonspacingMark, .spacingMark, .enclosingMark:
                self = .mark
            default:
                self = .separator
            }
        }
    }

    /// R1: after the first non-vowel that follows a vowel, but at least three letters in.
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

    /// Whether `letters` ends with `suffix` inside R1; compares in place (this runs for every
    /// suffix of every word searched or indexed).
    private static func endsInRegion(_ letters: [Character], _ suffix: [Character], _ regionStart: Int) -> Bool {
        let start = letters.count - suffix.count
        guard start >= 0, start >= regionStart else { return false }
        for (offset, letter) in suffix.enumerated() where letters[start + offset] != letter {
            return false
        }
        return true
    }
}
