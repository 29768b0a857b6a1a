import Fluent
import Foundation

/// Keeps a customer's staff-search columns true on every save, whoever saves it (the command,
/// the staff area, Kontaktuppgifter, the demo seeder): the lower-cased name, the words of the
/// name (`CustomerNameWords`), and a customer number for a new customer (the highest so far + 1;
/// the unique index refuses a duplicate from a concurrent create).
struct CustomerSearchKeys: AsyncModelMiddleware {
    func create(model: Customer, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.nameKey = Customer.searchKey(model.name)
        if model.number == nil {
            let highest = try await Customer.query(on: db).max(\.$number) ?? nil
            model.number = max((highest ?? 0) + 1, UpdateCustomerAddNumberAndSearchKeys.firstNumber)
        }
        try await next.create(model, on: db)
        try await CustomerNameWords.keep(customerID: model.requireID(), name: model.name, on: db)
    }

    func update(model: Customer, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.nameKey = Customer.searchKey(model.name)
        try await next.update(model, on: db)
        try await CustomerNameWords.keep(customerID: model.requireID(), name: model.name, on: db)
    }
}
