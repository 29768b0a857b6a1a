/// Why a byte string is not CBOR that `CBORDecoder` accepts.
///
/// Each case names one rule, so a rejected attestation can be logged with
/// the precise reason rather than a generic "bad CBOR".
public enum CBORDecodingError: Error, Sendable, Hashable {
    /// The input ended in the middle of a data item.
    case truncated
    /// An item declared a length (or element count) larger than the bytes
    /// that remain, so it was refused before anything was allocated.
    case lengthExceedsInput(declared: UInt64, remaining: Int)
    /// Additional information 31: indefinite-length items or a "break".
    case indefiniteLength
    /// Major type 6: tags are never used by WebAuthn.
    case tagsNotSupported
    /// Additional information 28, 29 or 30, reserved by RFC 8949.
    case reservedAdditionalInformation(UInt8)
    /// Half, single or double precision floats (major type 7, 25–27).
    case floatsNotSupported
    /// A two-byte simple value below 32, which RFC 8949 §3.3 forbids.
    case invalidSimpleValue(UInt8)
    /// A text string that is not valid UTF-8.
    case invalidUTF8
    /// A map key that is neither an integer nor a text string.
    case unsupportedMapKey
    /// The same key appeared twice in one map.
    case duplicateMapKey
    /// Arrays and maps were nested deeper than the decoder allows.
    case nestingTooDeep(limit: Int)
    /// Bytes were left over after the single top-level item.
    case trailingBytes(count: Int)
}
