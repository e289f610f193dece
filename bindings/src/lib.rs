//! Placeholder until the Kotlin bindings issue; see ARCHITECTURE.md.
