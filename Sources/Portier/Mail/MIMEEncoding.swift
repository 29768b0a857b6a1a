import Foundation

/// The encodings a MIME message needs, written out so their edge cases stay visible:
/// quoted-printable bodies (RFC 2045 § 6.7), RFC 2047 encoded-words, folded header lines
/// and the RFC 5322 date.
enum MIMEEncoding {
    /// Header lines are folded to at most this many characters where whitespace allows (RFC 5322 § 2.1.1).
    static let preferredLineLength = 78
    /// Quoted-printable lines are at most 76 characters including the soft-break `=`.
    static let quotedPrintableLineLength = 76
    /// UTF-8 bytes per encoded-word: 39 bytes → 52 base64 characters → a 64-character word,
    /// short enough that `Subject: ` plus one word stays under 76 characters (RFC 2047 § 2).
    static let encodedWordPayloadBytes = 39

    // MARK: Line endings

    /// Splits text on CRLF, lone CR and lone LF, so every body becomes CRLF-terminated lines.
    static func lines(of text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                lines.append(current)
                current = []
                previousWasCR = true
            case 0x0A:
                if !previousWasCR {
                    lines.append(current)
                    current = []
                }
                previousWasCR = false
            default:
                current.append(byte)
                previousWasCR = false
            }
        }
        lines.append(current)
        return lines
    }

    // MARK: Quoted-printable

    /// Quoted-printable with CRLF line breaks. Line breaks in `text` stay hard line breaks;
    /// longer lines get soft breaks (`=` CRLF) so no line exceeds 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        lines(of: text).map(quotedPrintableLine).joined(separator: "\r\n")
    }

    private static func quotedPrintableLine(_ line: [UInt8]) -> String {
        var output: [String] = []
        var current = ""
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let token: String
            switch byte {
            case 0x20, 0x09:
                // Trailing whitespace would be stripped in transit, so it is encoded.
                token = isLast ? escaped(byte) : String(UnicodeScalar(byte))
            case 0x21...0x7E where byte != 0x3D:
                token = String(UnicodeScalar(byte))
            default:
                token = escaped(byte)
            }
            if current.utf8.count + token.utf8.count > quotedPrintableLineLength - 1 {
                output.append(current + "=")
                current = ""
            }
            current += token
        }
        output.append(current)
        return output.joined(separator: "\r\n")
    }

    private static func escaped(_ byte: UInt8) -> String {
        let hex = Array("0123456789ABCDEF")
        return "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
    }

    // MARK: RFC 2047

    /// `=?UTF-8?B?…?=` words, each ≤ 64 characters and each holding whole characters.
    /// Whitespace between adjacent encoded-words is ignored by readers, so the text's own
    /// spaces travel inside the words.
    static func encodedWords(_ text: String) -> [String] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        func append(_ bytes: [UInt8]) {
            if current.count + bytes.count > encodedWordPayloadBytes, !current.isEmpty {
                chunks.append(current)
                current = []
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= encodedWordPayloadBytes {
                append(bytes)
            } else {
                // A very long grapheme cluster (e.g. an emoji sequence): split between scalars.
                for scalar in character.unicodeScalars {
                    append(Array(String(scalar).utf8))
                }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }
    }

    /// True when `text` can go into a header as plain words: printable ASCII, single spaces
    /// between words, nothing a reader could mistake for an encoded-word.
    static func isPlainHeaderText(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }),
              !text.contains("=?"), !text.hasPrefix(" "), !text.hasSuffix(" "), !text.contains("  ") else {
            return false
        }
        return text.split(separator: " ").allSatisfy { $0.utf8.count <= 60 }
    }

    /// Tokens for an unstructured header such as `Subject`.
    static func unstructuredTokens(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        if isPlainHeaderText(text) {
            return text.split(separator: " ").map(String.init)
        }
        return encodedWords(text)
    }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// Tokens for a display name (an RFC 5322 phrase): atoms as they are, other ASCII as one
    /// quoted-string, anything else as encoded-words.
    static func phraseTokens(_ name: String) -> [String] {
        let isAtomText = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), 0x20:
                return true
            default:
                return atextSymbols.contains(byte)
            }
        }
        if isAtomText, isPlainHeaderText(name) {
            return name.split(separator: " ").map(String.init)
        }
        if name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }), !name.contains("=?") {
            let escapedName = name
                .replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"" + escapedName + "\""]
        }
        return encodedWords(name)
    }

    /// Tokens for an address header: the phrase, then `<addr-spec>`.
    static func addressTokens(_ address: MailAddress) -> [String] {
        guard let name = address.name else { return [address.email] }
        return phraseTokens(name) + ["<" + address.email + ">"]
    }

    // MARK: Header lines

    /// `Name: token token…`, folded before a token (CRLF + space) where the line would pass
    /// 78 characters. No trailing CRLF.
    static func headerLine(_ name: String, tokens: [String]) -> String {
        var lines: [String] = []
        var current = name + ":"
        var currentHasToken = false
        for token in tokens {
            if currentHasToken, current.utf8.count + 1 + token.utf8.count > preferredLineLength {
                lines.append(current)
                current = ""
            }
            current += " " + token
            currentHasToken = true
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    // MARK: Date

    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 14 Jan 2025 09:05:00 +0000` (RFC 5322 § 3.3), always in UTC with English names.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekday = dayNames[((parts.weekday ?? 1) - 1) % 7]
        let month = monthNames[((parts.month ?? 1) - 1) % 12]
        func twoDigits(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return "\(weekday), \(parts.day ?? 1) \(month) \(parts.year ?? 1970) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second)) +0000"
    }
}
