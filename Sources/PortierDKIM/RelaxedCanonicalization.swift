/// DKIM's "relaxed" canonicalization (RFC 6376 § 3.4.2 and § 3.4.4), the one Portier signs
/// with: it survives the whitespace changes relays commonly make (refolding headers, padding
/// or trimming line ends, dropping trailing blank lines) while any change to words still breaks
/// the signature.
enum RelaxedCanonicalization {
    /// One header field as `name:value\r\n`: name lowercased, the value unfolded, runs of
    /// spaces and tabs made one space, whitespace around the colon and at the value's ends removed.
    static func header(name: some Collection<UInt8>, value: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(name.count + value.count + 3)
        for byte in name where !byte.isWSP {
            output.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        output.append(.colon)
        let valueStart = output.count
        var pendingSpace = false
        for byte in value where byte != .carriageReturn && byte != .lineFeed {
            if byte.isWSP {
                pendingSpace = true
                continue
            }
            // Whitespace right after the colon is dropped, inner runs become one space, and
            // trailing whitespace never gets written.
            if pendingSpace && output.count > valueStart { output.append(.space) }
            pendingSpace = false
            output.append(byte)
        }
        output += [.carriageReturn, .lineFeed]
        return output
    }

    /// The body: each line's whitespace runs made one space and trailing whitespace removed,
    /// empty lines at the end removed, and the last line ended with CRLF. An empty (or
    /// all-blank) body stays empty.
    static func body(_ body: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count)
        var line: [UInt8] = []
        var pendingEmptyLines = 0
        var previous: UInt8?

        func endLine() {
            while line.last == .space { line.removeLast() }
            if line.isEmpty {
                pendingEmptyLines += 1
            } else {
                for _ in 0..<pendingEmptyLines { output += [.carriageReturn, .lineFeed] }
                pendingEmptyLines = 0
                output += line
                output += [.carriageReturn, .lineFeed]
                line.removeAll(keepingCapacity: true)
            }
        }

        for byte in body {
            defer { previous = byte }
            if byte == .lineFeed && previous == .carriageReturn {
                line.removeLast()  // the CR
                endLine()
            } else if byte.isWSP {
                if line.last != .space { line.append(.space) }
            } else {
                line.append(byte)
            }
        }
        endLine()  // a last line without CRLF; an empty one changes nothing
        return output
    }
}
