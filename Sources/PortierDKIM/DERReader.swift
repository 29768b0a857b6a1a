/// Just enough of a DER (X.690) reader to see what a private key is before swift-crypto
/// loads it: which algorithm a PKCS#8 key is for, and how long an RSA modulus is.
struct DERReader {
    struct Malformed: Error {}

    enum Tag: UInt8 {
        case integer = 0x02
        case octetString = 0x04
        case objectIdentifier = 0x06
        case sequence = 0x30
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { bytes.isEmpty }

    /// Reads one element, which must have `tag`, and returns its contents.
    mutating func read(_ tag: Tag) throws(Malformed) -> ArraySlice<UInt8> {
        guard bytes.first == tag.rawValue else { throw Malformed() }
        return try readAny().contents
    }

    /// Reads one element of any tag (definite lengths only, as DER requires).
    mutating func readAny() throws(Malformed) -> (tag: UInt8, contents: ArraySlice<UInt8>) {
        guard bytes.count >= 2 else { throw Malformed() }
        let tag = bytes[bytes.startIndex]
        var cursor = bytes.startIndex + 1
        var length = Int(bytes[cursor])
        cursor += 1
        if length & 0x80 != 0 {
            let lengthByteCount = length & 0x7F
            guard (1...4).contains(lengthByteCount), bytes.endIndex - cursor >= lengthByteCount else {
                throw Malformed()
            }
            length = bytes[cursor..<(cursor + lengthByteCount)].reduce(0) { $0 << 8 | Int($1) }
            cursor += lengthByteCount
        }
        guard bytes.endIndex - cursor >= length else { throw Malformed() }
        let contents = bytes[cursor..<(cursor + length)]
        bytes = bytes[(cursor + length)...]
        return (tag, contents)
    }

    /// The dotted form of an OBJECT IDENTIFIER's contents, e.g. `1.3.101.112`.
    static func dottedObjectIdentifier(_ contents: ArraySlice<UInt8>) -> String {
        var arcs: [UInt64] = []
        var value: UInt64 = 0
        for byte in contents {
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 {
                if arcs.isEmpty {
                    let first = min(value / 40, 2)
                    arcs += [first, value - first * 40]
                } else {
                    arcs.append(value)
                }
                value = 0
            }
        }
        return arcs.map(String.init).joined(separator: ".")
    }

    /// The bit length of an unsigned big-endian INTEGER's contents (leading zeros ignored).
    static func bitCount(ofInteger contents: ArraySlice<UInt8>) -> Int {
        guard let first = contents.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (contents.endIndex - first - 1) * 8 + (8 - contents[first].leadingZeroBitCount)
    }
}
