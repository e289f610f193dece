-- v10: people's PINs, as Argon2id verifiers (pins.rs), beside their roles.
ALTER TABLE actors ADD COLUMN pin_verifier TEXT;
