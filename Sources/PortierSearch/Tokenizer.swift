/// A word of a text: only letters and digits ever become words, so quotes, `*`, `|`, `:` and
/// the rest of a query's punctuation cannot mean anything to the search.
struct Token: Sendable, Hashable {
    /// Normalized (NFC, lower case), with word-internal hyphens and apostrophes removed:
    /// "E-post" → "epost", "can't" → "cant". This is the form everything is compared in.
    let text: String
    /// Normalized but as written, hyphens kept ("e-post"), for proposing a query back.
    let display: String
    /// Whether the text ends right after this word (no space or punctuation after it): the
    /// word a visitor is still typing.
    let isAtEnd: Bool
}

/// Splits text into words by Unicode scalar properties, never by a list of characters, so that
/// any script and any input (emoji, control characters, lone combining marks) is handled the
/// same predictable way.
enum Tokenizer {
    /// Longer runs of letters are cut: no real word is this long, and it bounds the work that
    /// typo correction and compound splitting do per word.
    static let maximumWordLength = 40

    static func tokens(in text: String) -> [Token] {
        let scalars = Array(TextNormalization.normalized(text).unicodeScalars)
        var tokens: [Token] = []
        var word = String.UnicodeScalarView()
        var display = String.UnicodeScalarView()
        var length = 0

        func finish(atEnd: Bool) {
            if length > 0 {
                tokens.append(Token(text: String(word), display: String(display), isAtEnd: atEnd))
            }
            word = String.UnicodeScalarView()
            display = String.UnicodeScalarView()
            length = 0
        }

        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch kind(of: scalar) {
            case .wordCharacter:
                if length < maximumWordLength {
                    word.append(scalar)
                    display.append(scalar)
                    length += 1
                }
            case .mark:
                // A combining mark belongs to the letter before it; alone it is nothing.
                if length > 0 && length < maximumWordLength {
                    word.append(scalar)
                    display.append(scalar)
                }
            case .joiner:
                // "e-post", "can't": one word when letters or digits follow directly.
                let next = index + 1 < scalars.count ? kind(of: scalars[index + 1]) : .separator
                if length > 0 && next == .wordCharacter {
                    if isHyphen(scalar) { display.append("-") }
                } else {
                    finish(atEnd: false)
                }
            case .separator:
                finish(atEnd: false)
            }
            index += 1
        }
        finish(atEnd: true)
        return tokens
    }

    private enum Kind {
        case wordCharacter, mark, joiner, separator
    }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return .wordCharacter
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        case .dashPunctuation:
            return .joiner
        default:
            return isApostrophe(scalar) || scalar == "\u{00AD}" ? .joiner : .separator
        }
    }

    private static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "\u{2019}" || scalar == "\u{02BC}"
    }

    private static func isHyphen(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .dashPunctuation
    }
}
