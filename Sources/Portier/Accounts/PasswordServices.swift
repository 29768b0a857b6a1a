import Vapor

extension Application {
    private struct PasswordHasherKey: StorageKey { typealias Value = any PasswordHashing }
    private struct PasswordPolicyKey: StorageKey { typealias Value = PasswordPolicy }

    public var passwordHasher: any PasswordHashing {
        get {
            guard let hasher = storage[PasswordHasherKey.self] else { fatalError("configure(_:) has not set the password hasher") }
            return hasher
        }
        set { storage[PasswordHasherKey.self] = newValue }
    }

    public var passwordPolicy: PasswordPolicy {
        get {
            guard let policy = storage[PasswordPolicyKey.self] else {
                fatalError("app.passwordPolicy is not set: configure(_:) loads it (PasswordPolicy.load) with the list of common passwords")
            }
            return policy
        }
        set { storage[PasswordPolicyKey.self] = newValue }
    }
}
