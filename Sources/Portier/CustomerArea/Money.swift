import Foundation

/// An amount in Swedish kronor, held as whole öre (1 kr = 100 öre). Never a floating-point
/// number: every sum, VAT amount and rounding step is integer arithmetic.
public struct Money: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var ore: Int

    public init(ore: Int) {
        self.ore = ore
    }

    /// `Money(kronor: 249)` is 249,00 kr.
    public init(kronor: Int, ore: Int = 0) {
        self.ore = kronor * 100 + ore
    }

    public static let zero = Money(ore: 0)

    public static func + (left: Money, right: Money) -> Money { Money(ore: left.ore + right.ore) }
    public static func - (left: Money, right: Money) -> Money { Money(ore: left.ore - right.ore) }
    public static func * (left: Money, quantity: Int) -> Money { Money(ore: left.ore * quantity) }
    public static func += (left: inout Money, right: Money) { left.ore += right.ore }
    public static func < (left: Money, right: Money) -> Bool { left.ore < right.ore }

    /// `rate` of this amount, rounded to the nearest öre with halves away from zero (the usual
    /// commercial rounding: 0,5 öre becomes 1 öre). `rate` is in basis points: 2500 is 25 %.
    public func percentage(basisPoints rate: Int) -> Money {
        let product = ore * rate
        var quotient = product / 10_000
        let remainder = product % 10_000
        if remainder.magnitude * 2 >= 10_000 {
            quotient += product < 0 ? -1 : 1
        }
        return Money(ore: quotient)
    }

    public var description: String { formatted(for: .swedish) }

    /// `1 234,50 kr` in Swedish (a no-break space between thousands), `SEK 1,234.50` in English.
    public func formatted(for language: Language) -> String {
        let sign = ore < 0 ? "-" : ""
        let magnitude = ore.magnitude
        let kronor = Self.grouped(magnitude / 100, separator: language == .swedish ? "\u{00A0}" : ",")
        let fraction = magnitude % 100
        let cents = fraction < 10 ? "0\(fraction)" : "\(fraction)"
        switch language {
        case .swedish: return "\(sign)\(kronor),\(cents) kr"
        case .english: return "\(sign)SEK \(kronor).\(cents)"
        }
    }

    private static func grouped(_ value: UInt, separator: String) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += separator }
            result.append(digit)
        }
        return result
    }
}

/// Swedish VAT (moms). Hosting, domains and e-mail are taxed at the standard rate.
public enum VATRate {
    /// 25 %, in basis points.
    public static let standard = 2500

    /// `25 %` / `25%` for a rate in basis points (`12,5 %` for 1250).
    public static func label(_ basisPoints: Int, language: Language) -> String {
        let whole = basisPoints / 100
        let fraction = basisPoints % 100
        var number = String(whole)
        if fraction != 0 {
            let decimals = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
            number += (language == .swedish ? "," : ".") + decimals
        }
        return language == .swedish ? number + "\u{00A0}%" : number + "%"
    }
}
