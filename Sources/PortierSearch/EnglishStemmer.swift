/// A light English stemmer for the English guides: plurals and the common verb endings, enough
/// for "passwords", "changed", "logging" to find "password", "change", "log".
enum EnglishStemmer {
    static func stem(_ word: String) -> String {
        var letters = Array(word)
        guard letters.count > 3 else { return word }
        if hasSuffix(letters, "ies") {
            letters.removeLast(3)
            letters.append("y")
        } else if hasSuffix(letters, "sses") || hasSuffix(letters, "xes") || hasSuffix(letters, "ches") || hasSuffix(letters, "shes") {
            letters.removeLast(2)
        } else if hasSuffix(letters, "s") && !hasSuffix(letters, "ss") && !hasSuffix(letters, "us") && !hasSuffix(letters, "is") {
            letters.removeLast()
        }
        for suffix in ["ing", "ed"] where hasSuffix(letters, suffix) && letters.count - suffix.count >= 3 {
            let rest = Array(letters.dropLast(suffix.count))
            guard rest.contains(where: vowels.contains) else { break }
            letters = rest
            // "logged" → "logg" → "log"; but "address", "fill" keep their double letter.
            if let last = letters.last, letters.count >= 2, letters[letters.count - 2] == last,
               !"lsz".contains(last), !vowels.contains(last) {
                letters.removeLast()
            }
            break
        }
        if hasSuffix(letters, "e") && letters.count > 3 {
            letters.removeLast()
        }
        return String(letters)
    }

    private static let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]

    private static func hasSuffix(_ letters: [Character], _ suffix: String) -> Bool {
        letters.count > suffix.count && letters.suffix(suffix.count).elementsEqual(suffix)
    }
}
