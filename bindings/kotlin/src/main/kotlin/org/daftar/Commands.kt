package org.daftar

/**
 * A [CommandMeta] with a fresh op_id (UUID v7). Keep the returned value with
 * the pending command and pass the same one again when retrying: the book then
 * returns the first result and records nothing twice. What an approver does
 * needs her [pin], typed on this device; never keep it beyond the command.
 */
fun commandMeta(actor: String, device: String, pin: String? = null): CommandMeta =
    CommandMeta(opId = newOpId(), actor = actor, device = device, recordedAt = null, pin = pin)
