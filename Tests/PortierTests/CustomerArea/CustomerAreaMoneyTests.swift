import Foundation
import Testing
@testable import Portier

@Suite("Customer area: money, VAT, dates and validation")
struct CustomerAreaMoneyTests {
    @Test("VAT is 25 % rounded to the öre, halves away from zero", arguments: [
        (0, 0), (1, 0), (2, 1), (3, 1), (4, 1), (6, 2), (10, 3), (9999, 2500), (3333, 833), (9_999_999, 2_500_000), (-2, -1), (-3, -1),
    ])
    func vatRounding(net: Int, vat: Int) {
        #expect(Money(ore: net).percentage(basisPoints: VATRate.standard) == Money(ore: vat))
    }

    @Test("3 × 33,33 kr: the line is 99,99 kr and its VAT 25,00 kr")
    func threeTimesThirtyThree() {
        let line = InvoiceLineDraft(description: "Extra e-postkonto", quantity: 3, unitPrice: Money(ore: 3333))

        let totals = InvoiceTotals(lines: [line])

        #expect(line.net == Money(ore: 9999))
        #expect(line.vat == Money(ore: 2500))
        #expect(totals.net == Money(ore: 9999))
        #expect(totals.vat == Money(ore: 2500))
        #expect(totals.total == Money(ore: 12499))
    }

    @Test("The invoice's VAT is computed on the sum, not by adding rounded line VATs")
    func vatOnTheSum() {
        // Each 0,02 kr line alone has 0,005 kr VAT, rounded up to 0,01 kr; three lines would add up
        // to 0,03 kr. On the sum (0,06 kr) the VAT is 0,015 kr → 0,02 kr.
        let lines = Array(repeating: InvoiceLineDraft(description: "x", unitPrice: Money(ore: 2)), count: 3)

        let totals = InvoiceTotals(lines: lines)

        #expect(lines.map(\.vat) == [Money(ore: 1), Money(ore: 1), Money(ore: 1)])
        #expect(totals.vat == Money(ore: 2))
        #expect(totals.total == Money(ore: 8))
    }

    @Test("0,01 kr edge cases")
    func oneOre() {
        #expect(InvoiceTotals(lines: [InvoiceLineDraft(description: "x", unitPrice: Money(ore: 1))]).total == Money(ore: 1))
        #expect(InvoiceTotals(lines: [InvoiceLineDraft(description: "x", quantity: 2, unitPrice: Money(ore: 1))]).total == Money(ore: 3))
        #expect(InvoiceTotals(lines: []).total == .zero)
    }

    @Test("Different VAT rates are summed separately")
    func mixedRates() {
        let totals = InvoiceTotals(lines: [
            InvoiceLineDraft(description: "Webbhotell", unitPrice: Money(kronor: 100)),
            InvoiceLineDraft(description: "Bok", unitPrice: Money(kronor: 100), vatRate: 600),
            InvoiceLineDraft(description: "Domän", unitPrice: Money(ore: 14_950)),
        ])

        #expect(totals.rates.map(\.rate) == [2500, 600])
        #expect(totals.rates[0].net == Money(ore: 24_950))
        #expect(totals.rates[0].vat == Money(ore: 6_238))
        #expect(totals.rates[1].vat == Money(ore: 600))
        #expect(totals.total == Money(ore: 24_950 + 10_000 + 6_238 + 600))
    }

    @Test("Amounts in Swedish and English", arguments: [
        (123_450, "1\u{00A0}234,50 kr", "SEK 1,234.50"),
        (5, "0,05 kr", "SEK 0.05"),
        (0, "0,00 kr", "SEK 0.00"),
        (99_999_999, "999\u{00A0}999,99 kr", "SEK 999,999.99"),
        (123_456_789_00, "123\u{00A0}456\u{00A0}789,00 kr", "SEK 123,456,789.00"),
        (-123_450, "-1\u{00A0}234,50 kr", "-SEK 1,234.50"),
    ])
    func formatting(ore: Int, swedish: String, english: String) {
        #expect(Money(ore: ore).formatted(for: .swedish) == swedish)
        #expect(Money(ore: ore).formatted(for: .english) == english)
    }

    @Test("VAT rate labels")
    func vatLabels() {
        #expect(VATRate.label(2500, language: .swedish) == "25\u{00A0}%")
        #expect(VATRate.label(2500, language: .english) == "25%")
        #expect(VATRate.label(1250, language: .swedish) == "12,5\u{00A0}%")
        #expect(VATRate.label(605, language: .english) == "6.05%")
    }

    @Test("Days: ISO text, arithmetic, Stockholm's today, display per language")
    func days() throws {
        let day = try #require(CalendarDay(iso: "2026-01-31"))

        #expect(day.adding(months: 1).iso == "2026-02-28")
        #expect(day.adding(days: 1).iso == "2026-02-01")
        #expect(day.days(until: try #require(CalendarDay(iso: "2026-03-02"))) == 30)
        #expect(CalendarDay(iso: "2026-02-30") == nil)
        #expect(CalendarDay(iso: "26-01-01") == nil)
        // 23:30 UTC on 31 Dec is already 1 January in Stockholm.
        #expect(CalendarDay(containing: Date(timeIntervalSince1970: 1_798_759_800)).iso == "2027-01-01")
        #expect(AreaDateFormat.day(day, language: .swedish) == "2026-01-31")
        #expect(AreaDateFormat.day(day, language: .english) == "31 Jan 2026")
        #expect(AreaDateFormat.dateTime(Date(timeIntervalSince1970: 1_798_759_800), language: .swedish) == "2027-01-01 00:30")
        #expect(AreaDateFormat.dateTime(Date(timeIntervalSince1970: 1_798_759_800), language: .english) == "1 Jan 2027, 00:30")
    }

    @Test("Overdue is derived: unpaid after the due date")
    func overdue() throws {
        let invoice = Invoice()
        invoice.status = .unpaid
        invoice.dueOnText = "2026-03-15"

        #expect(invoice.displayStatus(today: try #require(CalendarDay(iso: "2026-03-15"))) == .unpaid)
        #expect(invoice.displayStatus(today: try #require(CalendarDay(iso: "2026-03-16"))) == .overdue)
        invoice.status = .paid
        #expect(invoice.displayStatus(today: try #require(CalendarDay(iso: "2026-04-01"))) == .paid)
    }

    @Test("Swedish organisation and personal numbers", arguments: [
        ("556677-8899", "556677-8899"),
        ("5566778899", "556677-8899"),
        ("811218-9876", "811218-9876"),
        ("19811218-9876", "19811218-9876"),
        ("198112189876", "19811218-9876"),
        ("811218+9876", "811218+9876"),
        (" 556016-0680 ", "556016-0680"),
    ])
    func validIdentityNumbers(input: String, normalized: String) {
        #expect(SwedishIdentityNumber.normalized(input.trimmingCharacters(in: .whitespaces)) == normalized)
    }

    @Test("Invalid identity numbers", arguments: ["556677-8898", "12345", "55667788991", "5566-778899", "abcdef-ghij", ""])
    func invalidIdentityNumbers(input: String) {
        #expect(SwedishIdentityNumber.normalized(input) == nil)
    }

    @Test("The contact-details validator normalises and reports every field")
    func validator() throws {
        var input = ContactDetailsValidator.Input(
            name: "  Exempelbolaget AB ", identityNumber: "5566778899", streetAddress: "Storgatan 12",
            postalCode: "11451", city: "Stockholm", countryCode: "se", phone: "08-123 456 78"
        )
        let details = try ContactDetailsValidator.validate(input).get()
        #expect(details == ContactDetails(name: "Exempelbolaget AB", identityNumber: "556677-8899", streetAddress: "Storgatan 12", postalCode: "114 51", city: "Stockholm", countryCode: "SE", phone: "08-123 456 78"))

        input = ContactDetailsValidator.Input(name: "", identityNumber: "123", streetAddress: "", postalCode: "1234", city: "", countryCode: "SE", phone: "ring mig")
        guard case .failure(let problems) = ContactDetailsValidator.validate(input) else {
            Issue.record("expected problems")
            return
        }
        #expect(problems.byField[.name] == .nameMissing)
        #expect(problems.byField[.identityNumber] == .identityNumberInvalid)
        #expect(problems.byField[.streetAddress] == .streetMissing)
        #expect(problems.byField[.postalCode] == .postalCodeInvalid)
        #expect(problems.byField[.city] == .cityMissing)
        #expect(problems.byField[.countryCode] == nil)
        guard case .failure(let unknownCountry) = ContactDetailsValidator.validate(.init(name: "A", streetAddress: "B", postalCode: "11451", city: "C", countryCode: "XX")) else {
            Issue.record("expected an unknown country")
            return
        }
        #expect(unknownCountry.byField == [.countryCode: .countryUnknown])
        #expect(problems.byField[.phone] == .phoneInvalid)

        // Abroad: the postal code and registration number follow that country.
        let norway = try ContactDetailsValidator.validate(.init(name: "Ola", identityNumber: "NO 987 654 321", streetAddress: "Karl Johans gate 1", postalCode: "0154", city: "Oslo", countryCode: "NO", phone: "+47 22 00 00 00")).get()
        #expect(norway.postalCode == "0154")
        #expect(norway.identityNumber == "NO 987 654 321")
    }

    @Test("Ticket text: subjects become one line, messages keep their lines")
    func ticketText() {
        #expect(TicketDesk.singleLine("  Hej\r\nBcc: x@example.se ") == "Hej  Bcc: x@example.se")
        #expect(TicketDesk.messageText("Rad 1\r\nRad 2\u{0007}\n") == "Rad 1\nRad 2")
        #expect(TicketDesk.messageProblem("   \n ") == .messageMissing)
        #expect(TicketDesk.messageProblem(String(repeating: "a", count: 10_001)) == .messageTooLong)
    }
}
