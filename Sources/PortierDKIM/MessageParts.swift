/// A message split the way DKIM sees it: header fields, each with its raw bytes kept so that
/// canonicalization works on what is actually sent, and the body after the blank line.
struct MessageParts {
    struct HeaderField {
        /// The name as written, before the colon (possibly with obsolete trailing WSP).
        var rawName: ArraySlice<UInt8>
        /// Everything after the colon, folding CRLFs included, final CRLF excluded.
        var rawValue: ArraySlice<UInt8>
        /// The name lowercased and trimmed, for matching against `h=`.
        var lowercasedName: String
    }

    var headerFields: [HeaderField]
    var body: ArraySlice<UInt8>

    /// Splits `message`, refusing bare CR or LF anywhere: a line ending that a relay would
    /// later "repair" into CRLF breaks the signature, so it is better found here.
    init(parsing message: [UInt8]) throws(DKIMError) {
        try Self.requireCRLFLineEndings(message)
        var fields: [HeaderField] = []
        var lineStart = message.startIndex
        var bodyStart = message.endIndex
        while lineStart < message.endIndex {
            let lineEnd = Self.indexOfCRLF(in: message, from: lineStart) ?? message.endIndex
            let line = message[lineStart..<lineEnd]
            let next = min(lineEnd + 2, message.endIndex)
            if line.isEmpty {
                bodyStart = next
                break
            }
            if line.first == .space || line.first == .tab {
                guard !fields.isEmpty else {
                    throw .malformedMessage(reason: "the first header line is a continuation line")
                }
                fields[fields.count - 1].rawValue = message[fields[fields.count - 1].rawValue.startIndex..<lineEnd]
            } else {
                guard let colon = line.firstIndex(of: .colon) else {
                    throw .malformedMessage(reason: "header line \(fields.count + 1) has no colon")
                }
                let name = line[..<colon]
                fields.append(HeaderField(
                    rawName: name,
                    rawValue: message[(colon + 1)..<lineEnd],
                    lowercasedName: String(decoding: name, as: UTF8.self).trimmingWSP.lowercased()
                ))
            }
            lineStart = next
        }
        headerFields = fields
        body = message[bodyStart...]
    }

    private static func requireCRLFLineEndings(_ message: [UInt8]) throws(DKIMError) {
        var lineNumber = 1
        for index in message.indices {
            switch message[index] {
            case .carriageReturn where index + 1 == message.endIndex || message[index + 1] != .lineFeed:
                throw .malformedMessage(reason: "line \(lineNumber) has a CR without LF; lines must end in CRLF")
            case .lineFeed where index == message.startIndex || message[index - 1] != .carriageReturn:
                throw .malformedMessage(reason: "line \(lineNumber) ends in LF without CR; lines must end in CRLF")
            case .lineFeed:
                lineNumber += 1
            default:
                break
            }
        }
    }

    private static func indexOfCRLF(in message: [UInt8], from start: Int) -> Int? {
        // Line endings are already known to be CRLF, so the first CR starts one.
        message[start...].firstIndex(of: .carriageReturn)
    }
}

extension UInt8 {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let colon: UInt8 = 0x3A

    /// RFC 5234 WSP: space or horizontal tab.
    var isWSP: Bool { self == .space || self == .tab }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingWSP: String {
        let utf8 = Array(self.utf8)
        guard let first = utf8.firstIndex(where: { !$0.isWSP }), let last = utf8.lastIndex(where: { !$0.isWSP }) else {
            return ""
        }
        return String(decoding: utf8[first...last], as: UTF8.self)
    }
}
