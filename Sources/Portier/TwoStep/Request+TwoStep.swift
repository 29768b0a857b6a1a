import Vapor

extension Request {
    /// The two-step service with this application's secret, clock and randomness.
    var twoStep: TwoStepService {
        TwoStepService(secret: application.serverSecret, clock: portier.clock, random: portier.random)
    }
}

extension SecondFactorSubject {
    static func customer(_ customer: Customer) throws -> SecondFactorSubject {
        .customer(try customer.requireID())
    }
}
