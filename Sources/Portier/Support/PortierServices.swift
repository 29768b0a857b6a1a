import Vapor

/// The application's configuration and its side-effect providers, set once in `configure`
/// and replaced by test doubles in tests.
public struct PortierServices: Sendable {
    public var configuration: PortierConfiguration
    public var clock: any AppClock
    public var random: any RandomSource

    public init(configuration: PortierConfiguration, clock: any AppClock = SystemClock(), random: any RandomSource = SystemRandomSource()) {
        self.configuration = configuration
        self.clock = clock
        self.random = random
    }
}

extension Application {
    private struct PortierServicesKey: StorageKey {
        typealias Value = PortierServices
    }

    public var portier: PortierServices {
        get {
            guard let services = storage[PortierServicesKey.self] else {
                fatalError("configure(_:) has not set app.portier")
            }
            return services
        }
        set { storage[PortierServicesKey.self] = newValue }
    }
}

extension Request {
    public var portier: PortierServices { application.portier }
}
