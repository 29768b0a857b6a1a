/// Text typed by visitors, cleaned of characters that act instead of showing: C0 and C1 control
/// characters (ESC starts terminal escape sequences, BEL ends them, NUL is refused by
/// PostgreSQL) and the bidirectional formatting characters that reorder what a terminal or a
/// page shows. Used before such text is stored and wherever an operator command prints it.
public enum PlainText {
    /// Control and bidirectional formatting characters removed; with `keepingLineBreaks`, line
    /// breaks (normalised to `\n`) and tabs stay.
    public static func withoutControlCharacters(_ text: String, keepingLineBreaks: Bool = false) -> String {
        var text = text
        if keepingLineBreaks {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        let kept = text.unicodeScalars.filter { scalar in
            (keepingLineBreaks && (scalar == "\n" || scalar == "\t")) || !isControl(scalar)
        }
        return String(String.UnicodeScalarView(kept))
    }

    /// One line: every control character, line breaks included, becomes a space.
    public static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    /// Whether `scalar` acts rather than shows (see the type's description).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || bidirectionalFormatting.contains(scalar.value)
    }

    /// LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI, plus the implicit marks LRM, RLM, ALM.
    private static let bidirectionalFormatting: Set<UInt32> = [
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C,
    ]
}
