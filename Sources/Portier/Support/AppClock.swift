import Foundation

/// The wall clock, behind a protocol so tests can move time (session timeouts, token expiry, throttling).
public protocol AppClock: Sendable {
    func now() -> Date
}

public struct SystemClock: AppClock {
    public init() {}
    public func now() -> Date { Date() }
}
