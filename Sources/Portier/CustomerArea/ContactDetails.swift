import Foundation

/// The customer's contact details as validated from the form: what `Customer` stores and what
/// invoices print.
struct ContactDetails: Equatable, Sendable {
    var name: String
    var identityNumber: String?
    var streetAddress: String
    var postalCode: String
    var city: String
    var countryCode: String
    var phone: String?
}

/// The countries the form offers (ISO 3166-1 alpha-2); names come from the catalog
/// (`area.country.se`, …).
enum Countries {
    static let codes = ["SE", "NO", "DK", "FI", "IS", "EE", "DE", "NL", "PL", "GB", "FR", "ES"]
    static let home = "SE"

    static func catalogKey(_ code: String) -> String { "area.country.\(code.lowercased())" }
}

/// Checks and normalises the contact-details form. Every field's problem is reported at once, so
/// the customer fixes them in one go; nothing typed is lost.
struct ContactDetailsValidator {
    struct Input: Sendable {
        var name = ""
        var identityNumber = ""
        var streetAddress = ""
        var postalCode = ""
        var city = ""
        var countryCode = Countries.home
        var phone = ""
    }

    enum Field: String, CaseIterable, Sendable {
        case name
        case identityNumber = "identity_number"
        case streetAddress = "street_address"
        case postalCode = "postal_code"
        case city
        case countryCode = "country"
        case phone
    }

    static func validate(_ input: Input) -> Result<ContactDetails, FormProblems<Field>> {
        var problems: [Field: CustomerAreaError] = [:]

        let name = clean(input.name)
        if name.isEmpty { problems[.name] = .nameMissing }
        else if name.count > 100 { problems[.name] = .nameTooLong }
        else if hasControlCharacters(name) { problems[.name] = .controlCharacters }

        let countryCode = clean(input.countryCode).uppercased()
        if !Countries.codes.contains(countryCode) { problems[.countryCode] = .countryUnknown }

        let identity = clean(input.identityNumber)
        var identityNumber: String?
        if !identity.isEmpty {
            if countryCode == Countries.home {
                identityNumber = SwedishIdentityNumber.normalized(identity)
            } else if identity.count <= 32, identity.allSatisfy({ $0.isLetter || $0.isNumber || " -./".contains($0) }) {
                identityNumber = identity
            }
            if identityNumber == nil { problems[.identityNumber] = .identityNumberInvalid }
        }

        let street = clean(input.streetAddress)
        if street.isEmpty { problems[.streetAddress] = .streetMissing }
        else if street.count > 200 { problems[.streetAddress] = .textTooLong }
        else if hasControlCharacters(street) { problems[.streetAddress] = .controlCharacters }

        let postal = clean(input.postalCode)
        let postalCode: String?
        if countryCode == Countries.home {
            let digits = postal.filter { $0 != " " }
            postalCode = digits.count == 5 && digits.allSatisfy(\.isASCIIDigit) ? "\(digits.prefix(3)) \(digits.suffix(2))" : nil
        } else {
            postalCode = (2...10).contains(postal.count) && postal.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }) ? postal.uppercased() : nil
        }
        if postalCode == nil { problems[.postalCode] = .postalCodeInvalid }

        let city = clean(input.city)
        if city.isEmpty { problems[.city] = .cityMissing }
        else if city.count > 100 { problems[.city] = .textTooLong }
        else if hasControlCharacters(city) { problems[.city] = .controlCharacters }

        let phoneText = clean(input.phone)
        var phone: String?
        if !phoneText.isEmpty {
            let digitCount = phoneText.filter(\.isASCIIDigit).count
            let allowed = phoneText.allSatisfy { $0.isASCIIDigit || " -()".contains($0) } || (phoneText.first == "+" && phoneText.dropFirst().allSatisfy { $0.isASCIIDigit || " -()".contains($0) })
            if allowed, (6...15).contains(digitCount), phoneText.count <= 25 { phone = phoneText }
            else { problems[.phone] = .phoneInvalid }
        }

        guard problems.isEmpty, let postalCode else {
            return .failure(FormProblems(byField: problems))
        }
        return .success(ContactDetails(
            name: name, identityNumber: identityNumber, streetAddress: street, postalCode: postalCode,
            city: city, countryCode: countryCode, phone: phone
        ))
    }


    /// Trimmed, with runs of spaces inside kept as typed.
    private static func clean(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Swedish personnummer and organisationsnummer: ten digits (`YYMMDD-NNNN`, `NNNNNN-NNNN`) or
/// twelve (`YYYYMMDD-NNNN`, `16NNNNNNNNNN`), the last one a Luhn check digit over the ten.
enum SwedishIdentityNumber {
    /// The number in its usual written form, or `nil` when it is not a valid number.
    static func normalized(_ text: String) -> String? {
        let compact = text.filter { $0 != " " }
        var separator = "-"
        var digits = compact
        if let index = compact.lastIndex(where: { $0 == "-" || $0 == "+" }) {
            guard compact.distance(from: index, to: compact.endIndex) == 5 else { return nil }
            separator = String(compact[index])
            digits.remove(at: digits.index(digits.startIndex, offsetBy: compact.distance(from: compact.startIndex, to: index)))
        }
        guard digits.allSatisfy(\.isASCIIDigit), digits.count == 10 || digits.count == 12 else { return nil }
        let ten = String(digits.suffix(10))
        guard luhnIsValid(ten) else { return nil }
        return "\(digits.dropLast(4))\(separator)\(digits.suffix(4))"
    }

    static func luhnIsValid(_ digits: String) -> Bool {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == digits.count, !values.isEmpty else { return false }
        var sum = 0
        for (index, value) in values.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = value * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += value
            }
        }
        return sum % 10 == 0
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Customer {
    /// Street, postal code and city, and the country when it is not Sweden: the address block of
    /// an invoice. Empty when the customer has not given an address.
    func postalAddressLines(catalogs: Catalogs, language: Language) -> [String] {
        var lines: [String] = []
        if let streetAddress, !streetAddress.isEmpty { lines.append(streetAddress) }
        let place = [postalCode, city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !place.isEmpty { lines.append(place) }
        if let countryCode, countryCode != Countries.home, !lines.isEmpty {
            lines.append(catalogs.string(Countries.catalogKey(countryCode), language: language))
        }
        return lines
    }

    var contactDetailsInput: ContactDetailsValidator.Input {
        ContactDetailsValidator.Input(
            name: name, identityNumber: identityNumber ?? "", streetAddress: streetAddress ?? "",
            postalCode: postalCode ?? "", city: city ?? "", countryCode: countryCode ?? Countries.home, phone: phone ?? ""
        )
    }

    func apply(_ details: ContactDetails) {
        name = details.name
        identityNumber = details.identityNumber
        streetAddress = details.streetAddress
        postalCode = details.postalCode
        city = details.city
        countryCode = details.countryCode
        phone = details.phone
    }
}
