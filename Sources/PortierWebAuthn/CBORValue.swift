/// A decoded CBOR data item, restricted to the subset WebAuthn uses.
///
/// WebAuthn only ever sends integers, byte and text strings, arrays, maps and
/// a handful of simple values (RFC 8949 major types 0–5 and 7). Floats, tags
/// and indefinite-length items never appear in attestation objects or COSE
/// keys, so `CBORDecoder` refuses them instead of modelling them here.
public enum CBORValue: Sendable, Hashable {
    /// Major type 0: an integer in `0...UInt64.max`.
    case unsignedInteger(UInt64)
    /// Major type 1: the integer `-1 - n`, kept as `n` so the full range
    /// down to `-2^64` fits without overflow.
    case negativeInteger(UInt64)
    /// Major type 2.
    case byteString([UInt8])
    /// Major type 3, already validated as UTF-8.
    case textString(String)
    /// Major type 4.
    case array([CBORValue])
    /// Major type 5, in the order the entries were encoded.
    case map(CBORMap)
    /// Major type 7, values 20 and 21.
    case boolean(Bool)
    /// Major type 7, value 22.
    case null
    /// Major type 7, value 23.
    case undefined
    /// Major type 7, any other (unassigned) simple value.
    case simple(UInt8)
}

extension CBORValue {
    /// The value as a Swift `Int`, if it is an integer that fits.
    ///
    /// COSE labels and algorithm identifiers are small integers; anything
    /// outside `Int`'s range cannot be a value WebAuthn cares about.
    public var intValue: Int? {
        switch self {
        case .unsignedInteger(let n):
            return n <= UInt64(Int.max) ? Int(n) : nil
        case .negativeInteger(let n):
            return n <= UInt64(Int.max) ? -1 - Int(n) : nil
        default:
            return nil
        }
    }

    /// The payload of a byte string, or `nil` for any other kind of item.
    public var bytes: [UInt8]? {
        if case .byteString(let bytes) = self { return bytes }
        return nil
    }

    /// The payload of a text string, or `nil` for any other kind of item.
    public var string: String? {
        if case .textString(let string) = self { return string }
        return nil
    }

    /// The entries of a map, or `nil` for any other kind of item.
    public var map: CBORMap? {
        if case .map(let map) = self { return map }
        return nil
    }
}
