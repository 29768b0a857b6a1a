#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16), parsed and printed by the C library, so every
/// textual form (`::ffff:192.0.2.1`, `2001:DB8::1`) compares by value.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        let text = String(text)
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let raw = withUnsafeBytes(of: &v6) { Array($0) }
            // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 address.
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
            bytes = Array(raw.prefix(12)) == mappedPrefix ? Array(raw.suffix(4)) : raw
            return
        }
        return nil
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        guard copy.withUnsafeMutableBytes({ inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }) != nil else {
            return "invalid"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What throttles count per client: the address itself for IPv4, its /64 for IPv6, since one
    /// IPv6 customer line commonly owns a whole /64 and could otherwise rotate addresses freely.
    public var throttleKey: String {
        guard !isIPv4 else { return description }
        return (IPNetwork(address: self, prefixLength: 64)?.networkAddress.description ?? description) + "/64"
    }
}

/// An address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`) or a single address.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let networkAddress: IPAddress
    public let prefixLength: Int

    public init?(address: IPAddress, prefixLength: Int) {
        guard (0...address.bytes.count * 8).contains(prefixLength) else { return nil }
        self.prefixLength = prefixLength
        self.networkAddress = IPAddress(masked: address, prefixLength: prefixLength)
    }

    /// `a.b.c.d`, `a.b.c.d/n`, an IPv6 address, or `x::/n`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        if parts.count == 2 {
            guard let length = Int(parts[1]) else { return nil }
            self.init(address: address, prefixLength: length)
        } else {
            self.init(address: address, prefixLength: address.bytes.count * 8)
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        address.bytes.count == networkAddress.bytes.count
            && IPAddress(masked: address, prefixLength: prefixLength) == networkAddress
    }

    public var description: String { "\(networkAddress)/\(prefixLength)" }
}

extension IPAddress {
    /// `address` with every bit after the first `prefixLength` cleared.
    fileprivate init(masked address: IPAddress, prefixLength: Int) {
        var bytes = address.bytes
        for index in bytes.indices {
            let keep = max(0, min(8, prefixLength - index * 8))
            bytes[index] &= keep == 0 ? 0 : ~UInt8(0) << (8 - keep)
        }
        self.bytes = bytes
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
