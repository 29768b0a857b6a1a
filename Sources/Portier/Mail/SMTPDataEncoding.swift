/// The DATA section of an SMTP transaction (RFC 5321 § 4.5.2): line endings normalised to
/// CRLF, a `.` added before every line that starts with `.`, and the terminating `.` line.
enum SMTPDataEncoding {
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    static func encode(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + message.count / 40 + 8)
        var isAtLineStart = true
        var index = message.startIndex
        while index < message.endIndex {
            let byte = message[index]
            switch byte {
            case cr:
                output += [cr, lf]
                isAtLineStart = true
                let next = message.index(after: index)
                if next < message.endIndex, message[next] == lf {
                    index = next
                }
            case lf:
                output += [cr, lf]
                isAtLineStart = true
            default:
                if isAtLineStart, byte == dot {
                    output.append(dot)
                }
                output.append(byte)
                isAtLineStart = false
            }
            index = message.index(after: index)
        }
        if !isAtLineStart {
            output += [cr, lf]
        }
        output += [dot, cr, lf]
        return output
    }
}
