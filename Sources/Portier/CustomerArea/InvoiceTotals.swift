import Foundation

/// A line before it is stored: what an invoice is made of.
public struct InvoiceLineDraft: Sendable, Equatable {
    public var description: String
    public var quantity: Int
    /// Excluding VAT.
    public var unitPrice: Money
    /// Basis points: 2500 is 25 %.
    public var vatRate: Int
    public var serviceID: UUID?

    public init(description: String, quantity: Int = 1, unitPrice: Money, vatRate: Int = VATRate.standard, serviceID: UUID? = nil) {
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.vatRate = vatRate
        self.serviceID = serviceID
    }

    /// Quantity × unit price, excluding VAT.
    public var net: Money { unitPrice * quantity }

    /// This line's VAT on its own, rounded to the öre. Shown per line; the invoice's VAT is
    /// computed on the sum per rate (``InvoiceTotals``), so the total never carries the
    /// rounding error of every line.
    public var vat: Money { net.percentage(basisPoints: vatRate) }
}

/// The sums of an invoice, in whole öre: the net per VAT rate, the VAT on each of those sums
/// (rounded once, half away from zero), and the total to pay.
public struct InvoiceTotals: Sendable, Equatable {
    public struct RateTotal: Sendable, Equatable {
        public let rate: Int
        public let net: Money
        public let vat: Money
    }

    public let net: Money
    public let rates: [RateTotal]
    public let vat: Money
    public let total: Money

    public init(lines: [InvoiceLineDraft]) {
        var netByRate: [Int: Money] = [:]
        for line in lines {
            netByRate[line.vatRate, default: .zero] += line.net
        }
        rates = netByRate.keys.sorted(by: >).map { rate in
            let net = netByRate[rate] ?? .zero
            return RateTotal(rate: rate, net: net, vat: net.percentage(basisPoints: rate))
        }
        net = rates.reduce(.zero) { $0 + $1.net }
        vat = rates.reduce(.zero) { $0 + $1.vat }
        total = net + vat
    }
}
