import Vapor

/// The reverse proxies whose forwarding headers are believed (`PORTIER_TRUSTED_PROXIES`).
///
/// When the connecting peer is one of them, the client is the right-most address of the forwarded
/// chain (`Forwarded: for=` per RFC 7239 when present, else `X-Forwarded-For`) that is not itself a
/// trusted proxy: everything left of it could have been written by the client. Otherwise the
/// headers are ignored, so nobody can choose their own address by sending them.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    public static let none = TrustedProxies(networks: [])

    public init(networks: [IPNetwork]) {
        self.networks = networks
    }

    /// Parses a comma-separated list of addresses and CIDR ranges; returns the first bad entry.
    public static func parse(_ text: String) -> Result<TrustedProxies, InvalidEntry> {
        var networks: [IPNetwork] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let network = IPNetwork(entry) else { return .failure(InvalidEntry(text: entry)) }
            networks.append(network)
        }
        return .success(TrustedProxies(networks: networks))
    }

    public struct InvalidEntry: Error, Equatable {
        public let text: String
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client's address for a connection from `peer` carrying `headers`.
    public func clientAddress(peer: IPAddress?, headers: HTTPHeaders) -> IPAddress? {
        guard let peer, isTrusted(peer) else { return peer }
        var client = peer
        for hop in Self.forwardedChain(headers).reversed() {
            guard let address = hop else { return client }   // "unknown" or garbage: stop at what we know
            client = address
            if !isTrusted(address) { return address }
        }
        return client
    }

    /// The forwarded addresses, client first; `nil` for an entry that is not an address.
    static func forwardedChain(_ headers: HTTPHeaders) -> [IPAddress?] {
        let forwarded = headers[.forwarded]
        if !forwarded.isEmpty {
            return forwarded.flatMap { $0.split(separator: ",") }.map { element in
                let forValue = element.split(separator: ";").lazy
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .first { $0.lowercased().hasPrefix("for=") }
                return forValue.flatMap { forwardedNode(String($0.dropFirst(4))) }
            }
        }
        return headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map {
            IPAddress($0.trimmingCharacters(in: .whitespaces))
        }
    }

    /// RFC 7239 § 6 node: `192.0.2.43`, `"192.0.2.43:47011"`, `"[2001:db8:cafe::17]:4711"`.
    private static func forwardedNode(_ raw: String) -> IPAddress? {
        var node = Substring(raw.trimmingCharacters(in: .whitespaces))
        if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = node.dropFirst().dropLast() }
        if node.hasPrefix("[") {
            guard let close = node.firstIndex(of: "]") else { return nil }
            return IPAddress(node[node.index(after: node.startIndex)..<close])
        }
        if let colon = node.firstIndex(of: ":"), node.filter({ $0 == ":" }).count == 1 {
            node = node[..<colon]   // IPv4 with a port
        }
        return IPAddress(node)
    }
}

extension Request {
    private struct ClientAddressKey: StorageKey { typealias Value = IPAddress? }

    /// The client's address: the peer, or behind a trusted proxy the forwarded client. Computed
    /// once per request; used by throttles, audit events and sessions.
    var clientAddress: IPAddress? {
        if let cached = storage[ClientAddressKey.self] { return cached }
        let peer = remoteAddress?.ipAddress.flatMap { IPAddress($0) }
        let address = portier.configuration.trustedProxies.clientAddress(peer: peer, headers: headers)
        storage[ClientAddressKey.self] = .some(address)
        return address
    }

    /// The client address as text, for audit events and session rows.
    var clientIP: String? { clientAddress?.description }

    /// What per-address throttles count this client as (IPv6: its /64).
    var clientThrottleKey: String { clientAddress?.throttleKey ?? "unknown" }
}
