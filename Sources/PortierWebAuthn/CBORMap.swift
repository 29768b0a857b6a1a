/// A key of a CBOR map.
///
/// WebAuthn maps are keyed by integers (COSE labels) or text strings
/// (attestation object members), so those are the only keys the decoder
/// accepts; that also keeps duplicate detection exact.
public enum CBORMapKey: Sendable, Hashable {
    /// A major type 0 key.
    case unsignedInteger(UInt64)
    /// A major type 1 key, meaning `-1 - n`.
    case negativeInteger(UInt64)
    /// A major type 3 key.
    case textString(String)

    /// The key for an integer label such as a COSE parameter (`1`, `-2`, …).
    public static func integer(_ value: Int) -> CBORMapKey {
        value >= 0 ? .unsignedInteger(UInt64(value)) : .negativeInteger(UInt64(-1 - value))
    }

    /// The key for a text label such as `"fmt"`.
    public static func text(_ value: String) -> CBORMapKey {
        .textString(value)
    }
}

/// The entries of a CBOR map, in encoded order, with unique keys.
///
/// Order is kept so a map can be inspected exactly as it was sent; lookup by
/// key goes through a dictionary because the decoder already guarantees that
/// keys are unique.
public struct CBORMap: Sendable, Hashable {
    /// The entries in the order they were encoded.
    public let entries: [Entry]
    private let indexByKey: [CBORMapKey: Int]

    /// One key/value pair of a map.
    public struct Entry: Sendable, Hashable {
        public let key: CBORMapKey
        public let value: CBORValue

        public init(key: CBORMapKey, value: CBORValue) {
            self.key = key
            self.value = value
        }
    }

    /// Creates a map, or returns `nil` if two entries share a key.
    public init?(entries: [Entry]) {
        var indexByKey: [CBORMapKey: Int] = [:]
        indexByKey.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard indexByKey.updateValue(index, forKey: entry.key) == nil else { return nil }
        }
        self.entries = entries
        self.indexByKey = indexByKey
    }

    /// The value stored under `key`, if any.
    public subscript(key: CBORMapKey) -> CBORValue? {
        indexByKey[key].map { entries[$0].value }
    }

    /// The value stored under an integer label, if any.
    public subscript(label: Int) -> CBORValue? {
        self[.integer(label)]
    }

    /// The value stored under a text label, if any.
    public subscript(label: String) -> CBORValue? {
        self[.textString(label)]
    }

    /// The number of entries.
    public var count: Int { entries.count }
}
