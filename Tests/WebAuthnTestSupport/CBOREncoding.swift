import PortierWebAuthn

/// A minimal CBOR encoder for building test inputs (PortierWebAuthnTests and the
/// passkey tests of PortierTests); the module itself only decodes.
public enum CBOREncoding {
    public static func encode(_ value: CBORValue) -> [UInt8] {
        switch value {
        case .unsignedInteger(let n): return head(0, n)
        case .negativeInteger(let n): return head(1, n)
        case .byteString(let bytes): return head(2, UInt64(bytes.count)) + bytes
        case .textString(let string): return head(3, UInt64(string.utf8.count)) + Array(string.utf8)
        case .array(let elements): return head(4, UInt64(elements.count)) + elements.flatMap(encode)
        case .map(let map):
            return head(5, UInt64(map.count)) + map.entries.flatMap { encode(key: $0.key) + encode($0.value) }
        case .boolean(let flag): return [flag ? 0xf5 : 0xf4]
        case .null: return [0xf6]
        case .undefined: return [0xf7]
        case .simple(let n): return n < 24 ? [0xe0 | n] : [0xf8, n]
        }
    }

    public static func encode(key: CBORMapKey) -> [UInt8] {
        switch key {
        case .unsignedInteger(let n): return head(0, n)
        case .negativeInteger(let n): return head(1, n)
        case .textString(let s): return encode(.textString(s))
        }
    }

    /// A map from integer labels, in the given order.
    public static func map(_ pairs: [(Int, CBORValue)]) -> CBORValue {
        .map(CBORMap(entries: pairs.map { CBORMap.Entry(key: .integer($0.0), value: $0.1) })!)
    }

    /// A map from text labels, in the given order.
    public static func map(_ pairs: [(String, CBORValue)]) -> CBORValue {
        .map(CBORMap(entries: pairs.map { CBORMap.Entry(key: .text($0.0), value: $0.1) })!)
    }

    public static func int(_ value: Int) -> CBORValue {
        value >= 0 ? .unsignedInteger(UInt64(value)) : .negativeInteger(UInt64(-1 - value))
    }

    private static func head(_ majorType: UInt8, _ argument: UInt64) -> [UInt8] {
        let type = majorType << 5
        switch argument {
        case 0..<24: return [type | UInt8(argument)]
        case 24...0xff: return [type | 24, UInt8(argument)]
        case 0x100...0xffff: return [type | 25] + bigEndian(argument, width: 2)
        case 0x10000...0xffff_ffff: return [type | 26] + bigEndian(argument, width: 4)
        default: return [type | 27] + bigEndian(argument, width: 8)
        }
    }

    private static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
