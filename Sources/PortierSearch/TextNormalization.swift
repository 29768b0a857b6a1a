/// The one normal form every word is compared in, at indexing and at query time alike: Unicode
/// NFC (so "ö" typed as "o" + combining diaeresis equals the precomposed "ö") and lower case.
/// `folded` additionally drops diacritics, the key by which "losenord" finds "lösenord".
enum TextNormalization {
    /// NFC, lower-cased.
    static func normalized(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// The diacritic-free spelling: å, ä → a, ö → o, é → e; a few letters that are not written
    /// with combining marks are spelt out as a Swede without them would type them.
    static func folded(_ word: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                switch scalar {
                case "ø": result.append("o")
                case "æ": result.append(contentsOf: "ae".unicodeScalars)
                case "ß": result.append(contentsOf: "ss".unicodeScalars)
                case "ł": result.append("l")
                case "đ": result.append("d")
                default: result.append(scalar)
                }
            }
        }
        return String(result)
    }
}
