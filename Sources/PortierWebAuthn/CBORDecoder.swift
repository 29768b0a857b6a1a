/// A strict decoder for the CBOR subset that WebAuthn needs (RFC 8949).
///
/// It accepts definite-length items of major types 0–5 and the simple
/// values of major type 7, and refuses everything else with a
/// `CBORDecodingError`. The input comes from an untrusted browser, so every
/// length is checked against the remaining input before any allocation, and
/// nesting is bounded so a hostile payload cannot exhaust the stack.
public struct CBORDecoder: Sendable {
    /// How deeply arrays and maps may nest. WebAuthn needs about four levels
    /// (attestation object → attStmt → x5c array → certificate bytes).
    public var maximumDepth: Int

    public init(maximumDepth: Int = 16) {
        self.maximumDepth = maximumDepth
    }

    /// Decodes exactly one data item that must span all of `bytes`.
    public func decode(_ bytes: some Collection<UInt8>) throws(CBORDecodingError) -> CBORValue {
        let (value, consumed) = try decodePrefix(bytes)
        let leftOver = bytes.count - consumed
        guard leftOver == 0 else { throw .trailingBytes(count: leftOver) }
        return value
    }

    /// Decodes the data item at the start of `bytes` and reports how many
    /// bytes it took.
    ///
    /// Authenticator data concatenates the credential public key and the
    /// extensions without length prefixes, so its parser needs to know where
    /// one item ends to find the next.
    public func decodePrefix(_ bytes: some Collection<UInt8>) throws(CBORDecodingError) -> (value: CBORValue, byteCount: Int) {
        var reader = Reader(bytes: Array(bytes), maximumDepth: maximumDepth)
        let value = try reader.readItem(depth: 0)
        return (value, reader.position)
    }
}

extension CBORDecoder {
    /// A cursor over the input; a separate type keeps `CBORDecoder` itself an
    /// immutable, shareable configuration value.
    fileprivate struct Reader {
        let bytes: [UInt8]
        let maximumDepth: Int
        var position = 0

        init(bytes: [UInt8], maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        var remaining: Int { bytes.count - position }

        mutating func readByte() throws(CBORDecodingError) -> UInt8 {
            guard position < bytes.count else { throw .truncated }
            defer { position += 1 }
            return bytes[position]
        }

        /// Reads the big-endian argument that follows the initial byte.
        mutating func readArgument(_ additionalInformation: UInt8) throws(CBORDecodingError) -> UInt64 {
            let width: Int
            switch additionalInformation {
            case 0...23: return UInt64(additionalInformation)
            case 24: width = 1
            case 25: width = 2
            case 26: width = 4
            case 27: width = 8
            case 28...30: throw .reservedAdditionalInformation(additionalInformation)
            default: throw .indefiniteLength
            }
            guard remaining >= width else { throw .truncated }
            var value: UInt64 = 0
            for byte in bytes[position..<position + width] {
                value = value << 8 | UInt64(byte)
            }
            position += width
            return value
        }

        /// Reads a length or element count and converts it to `Int`, refusing
        /// it unless at least `minimumBytesPerUnit` bytes per unit remain
        /// after the argument itself.
        mutating func readCount(
            _ additionalInformation: UInt8, minimumBytesPerUnit: Int
        ) throws(CBORDecodingError) -> Int {
            // Read first: `remaining` must not count the argument's own bytes.
            let declared = try readArgument(additionalInformation)
            guard declared <= UInt64(remaining / minimumBytesPerUnit) else {
                throw .lengthExceedsInput(declared: declared, remaining: remaining)
            }
            return Int(declared)
        }

        mutating func readBytes(count: Int) -> [UInt8] {
            defer { position += count }
            return Array(bytes[position..<position + count])
        }

        mutating func readItem(depth: Int) throws(CBORDecodingError) -> CBORValue {
            let initialByte = try readByte()
            let majorType = initialByte >> 5
            let additionalInformation = initialByte & 0x1f

            switch majorType {
            case 0:
                return .unsignedInteger(try readArgument(additionalInformation))
            case 1:
                return .negativeInteger(try readArgument(additionalInformation))
            case 2:
                let count = try readCount(additionalInformation, minimumBytesPerUnit: 1)
                return .byteString(readBytes(count: count))
            case 3:
                let count = try readCount(additionalInformation, minimumBytesPerUnit: 1)
                guard let string = String(validating: readBytes(count: count), as: UTF8.self) else {
                    throw .invalidUTF8
                }
                return .textString(string)
            case 4:
                // Every element takes at least one byte.
                let count = try readCount(additionalInformation, minimumBytesPerUnit: 1)
                guard depth < maximumDepth else { throw .nestingTooDeep(limit: maximumDepth) }
                var elements: [CBORValue] = []
                elements.reserveCapacity(count)
                for _ in 0..<count {
                    elements.append(try readItem(depth: depth + 1))
                }
                return .array(elements)
            case 5:
                // Every entry takes at least a one-byte key and a one-byte value.
                let count = try readCount(additionalInformation, minimumBytesPerUnit: 2)
                guard depth < maximumDepth else { throw .nestingTooDeep(limit: maximumDepth) }
                return .map(try readMapEntries(count: count, depth: depth))
            case 6:
                throw .tagsNotSupported
            default:
                return try readSimpleValue(additionalInformation)
            }
        }

        mutating func readMapEntries(count: Int, depth: Int) throws(CBORDecodingError) -> CBORMap {
            var entries: [CBORMap.Entry] = []
            entries.reserveCapacity(count)
            var seenKeys = Set<CBORMapKey>(minimumCapacity: count)
            for _ in 0..<count {
                let key: CBORMapKey
                switch try readItem(depth: depth + 1) {
                case .unsignedInteger(let n): key = .unsignedInteger(n)
                case .negativeInteger(let n): key = .negativeInteger(n)
                case .textString(let s): key = .textString(s)
                default: throw .unsupportedMapKey
                }
                guard seenKeys.insert(key).inserted else { throw .duplicateMapKey }
                entries.append(CBORMap.Entry(key: key, value: try readItem(depth: depth + 1)))
            }
            // Keys were checked for uniqueness above, so this cannot fail.
            guard let map = CBORMap(entries: entries) else { throw .duplicateMapKey }
            return map
        }

        mutating func readSimpleValue(_ additionalInformation: UInt8) throws(CBORDecodingError) -> CBORValue {
            switch additionalInformation {
            case 20: return .boolean(false)
            case 21: return .boolean(true)
            case 22: return .null
            case 23: return .undefined
            case 0...19: return .simple(additionalInformation)
            case 24:
                let value = try readByte()
                guard value >= 32 else { throw .invalidSimpleValue(value) }
                return .simple(value)
            case 25...27: throw .floatsNotSupported
            case 28...30: throw .reservedAdditionalInformation(additionalInformation)
            default: throw .indefiniteLength
            }
        }
    }
}
