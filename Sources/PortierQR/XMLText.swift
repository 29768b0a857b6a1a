/// Escaping of text for XML content and attribute values.
enum XMLText {
    /// `text` with the five XML special characters escaped, usable both between tags and inside a
    /// double- or single-quoted attribute. Tab and line breaks become character references so
    /// that attribute normalization keeps them. Characters that XML 1.0 cannot carry at all, not
    /// even as references (the other C0 controls, U+FFFE and U+FFFF), become U+FFFD so that the
    /// document stays well-formed.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result.unicodeScalars.append("\u{FFFD}")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
