import Fluent
import Foundation

/// Issues invoices: the next number of the one continuous series, the buyer's details as they are
/// now, the lines and their totals, all in one transaction. The unique index on the number makes a
/// concurrent issue fail instead of duplicating a number; it is then retried with the next one.
struct InvoiceIssuer: Sendable {
    /// The first number of the series.
    static let firstNumber = 10001
    /// Days from issue to due date when nothing else is said.
    static let paymentTermDays = 30

    let database: any Database
    let catalogs: Catalogs

    func issue(to customer: Customer, issuedOn: CalendarDay, dueOn: CalendarDay? = nil, lines: [InvoiceLineDraft],
               status: Invoice.Status = .unpaid, paidAt: Date? = nil) async throws -> Invoice {
        guard !lines.isEmpty, lines.allSatisfy({ $0.quantity > 0 }) else { throw CustomerAreaError.invoiceWithoutLines }
        let customerID = try customer.requireID()
        let totals = InvoiceTotals(lines: lines)
        return try await retryingOnConstraintFailure {
            try await database.transactionTakingSQLiteWriteLock { database in
                let number = try await Self.nextNumber(on: database)
                let invoice = Invoice()
                invoice.$customer.id = customerID
                invoice.number = number
                invoice.issuedOnText = issuedOn.iso
                invoice.dueOnText = (dueOn ?? issuedOn.adding(days: Self.paymentTermDays)).iso
                invoice.status = status
                invoice.paidAt = status == .paid ? paidAt : nil
                invoice.netOre = totals.net.ore
                invoice.vatOre = totals.vat.ore
                invoice.totalOre = totals.total.ore
                invoice.billingName = customer.name
                invoice.billingEmail = customer.email
                invoice.billingIdentityNumber = customer.identityNumber
                invoice.billingAddress = customer.postalAddressLines(catalogs: catalogs, language: customer.preferredLanguage).joined(separator: "\n")
                try await invoice.create(on: database)
                let invoiceID = try invoice.requireID()
                for (index, line) in lines.enumerated() {
                    try await InvoiceLine(invoiceID: invoiceID, position: index + 1, draft: line).create(on: database)
                }
                return invoice
            }
        }
    }

    static func nextNumber(on database: any Database) async throws -> Int {
        let highest = try await Invoice.query(on: database).max(\.$number)
        return max((highest ?? 0) + 1, firstNumber)
    }
}
