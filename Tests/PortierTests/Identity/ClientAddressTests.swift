import Foundation
import NIOHTTP1
import Testing
@testable import Portier

@Suite("Client addresses: trusted proxies, forwarded headers, IPv6 /64")
struct ClientAddressTests {
    private let proxies = TrustedProxies(networks: [IPNetwork("127.0.0.1")!, IPNetwork("10.0.0.0/8")!, IPNetwork("fd00::/8")!])

    private func headers(_ pairs: [(String, String)]) -> HTTPHeaders {
        HTTPHeaders(pairs)
    }

    @Test("Addresses compare by value; IPv4-mapped IPv6 is the IPv4 address")
    func parsing() {
        #expect(IPAddress("2001:DB8::1") == IPAddress("2001:db8:0:0:0:0:0:1"))
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        #expect(IPAddress("192.0.2.300") == nil)
        #expect(IPAddress("proxy.internal") == nil)
        #expect(IPNetwork("10.0.0.0/8")!.contains(IPAddress("10.200.3.4")!))
        #expect(!IPNetwork("10.0.0.0/8")!.contains(IPAddress("11.0.0.1")!))
        #expect(IPNetwork("10.0.0.0/33") == nil)
    }

    @Test("IPv6 clients are counted per /64, IPv4 per address")
    func throttleKeys() {
        #expect(IPAddress("2001:db8:1:2:aaaa::1")!.throttleKey == "2001:db8:1:2::/64")
        #expect(IPAddress("2001:db8:1:2:bbbb::9")!.throttleKey == IPAddress("2001:db8:1:2:aaaa::1")!.throttleKey)
        #expect(IPAddress("2001:db8:1:3::1")!.throttleKey != IPAddress("2001:db8:1:2::1")!.throttleKey)
        #expect(IPAddress("192.0.2.7")!.throttleKey == "192.0.2.7")
    }

    @Test("From a trusted proxy, the right-most untrusted address of X-Forwarded-For is the client")
    func forwardedFor() {
        let peer = IPAddress("127.0.0.1")
        let chain = headers([("X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.1.1.1")])

        #expect(proxies.clientAddress(peer: peer, headers: chain) == IPAddress("203.0.113.5"))
        // A client that claims an address left of its own cannot choose it.
        #expect(proxies.clientAddress(peer: peer, headers: headers([("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "198.51.100.2")])) == IPAddress("198.51.100.2"))
        // An untrusted peer's headers are ignored.
        #expect(proxies.clientAddress(peer: IPAddress("198.51.100.9"), headers: chain) == IPAddress("198.51.100.9"))
        #expect(TrustedProxies.none.clientAddress(peer: peer, headers: chain) == peer)
        // Only trusted hops: the left-most is the client. Garbage stops the walk at the last known hop.
        #expect(proxies.clientAddress(peer: peer, headers: headers([("X-Forwarded-For", "10.0.0.5")])) == IPAddress("10.0.0.5"))
        #expect(proxies.clientAddress(peer: peer, headers: headers([("X-Forwarded-For", "203.0.113.5, garbage")])) == peer)
    }

    @Test("RFC 7239 Forwarded: for= with quotes, ports and IPv6 brackets, preferred over X-Forwarded-For")
    func forwarded() {
        let peer = IPAddress("127.0.0.1")
        let both = headers([
            ("Forwarded", #"for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.2"#),
            ("X-Forwarded-For", "198.51.100.1"),
        ])
        #expect(proxies.clientAddress(peer: peer, headers: both) == IPAddress("2001:db8:cafe::17"))
        #expect(proxies.clientAddress(peer: peer, headers: headers([("Forwarded", #"for="192.0.2.43:47011""#)])) == IPAddress("192.0.2.43"))
        #expect(proxies.clientAddress(peer: peer, headers: headers([("Forwarded", "for=unknown")])) == peer)
    }

    @Test("PORTIER_TRUSTED_PROXIES names the first bad entry")
    func parsingConfiguration() throws {
        #expect(try TrustedProxies.parse("127.0.0.1, ::1, 10.0.0.0/8").get().networks.count == 3)
        #expect(TrustedProxies.parse("127.0.0.1, nginx").failure == TrustedProxies.InvalidEntry(text: "nginx"))
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
